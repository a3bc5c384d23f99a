-- The CQRS layout: writes go to command, reads come from query and its caches.
CREATE SCHEMA command;
CREATE SCHEMA command_staging;
CREATE SCHEMA query;
CREATE SCHEMA query_cache;
CREATE SCHEMA reference;
CREATE SCHEMA app;
