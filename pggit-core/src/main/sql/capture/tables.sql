-- Types of the capture.

CREATE TYPE pggit.change_row AS (
    change text, object_key text, old_key text, kind text, schema_name text, parent_key text,
    classid oid, objid oid, old_hash text, new_hash text, definition jsonb, directive text,
    columns jsonb, renamed_columns jsonb, tracked boolean
);
