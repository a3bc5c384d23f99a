-- The version this install script or upgrade step brings; written last.

INSERT INTO pggit.schema_version (version) VALUES ('0.2');
