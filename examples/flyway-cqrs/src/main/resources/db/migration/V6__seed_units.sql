-- Data only: pggit links this migration to the current HEAD commit, no empty commit.
INSERT INTO reference.tb_unit (code, description) VALUES
    ('kWh', 'kilowatt hour'),
    ('m3', 'cubic metre');
