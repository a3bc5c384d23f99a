DROP TABLE command_staging.tb_import;

ALTER TABLE query.tv_meter ADD COLUMN unit text;
