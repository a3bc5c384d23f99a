-- Hashing and object-key helpers.

CREATE OR REPLACE FUNCTION pggit.sha256_hex(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN encode(sha256(convert_to(t, 'UTF8')), 'hex');
COMMENT ON FUNCTION pggit.sha256_hex(text) IS 'Hex SHA-256 of the UTF-8 bytes of t: the hash of every blob, tree and commit.';

CREATE OR REPLACE FUNCTION pggit.commit_hash_text(tree text, parents text[], author text, committed_at timestamptz,
                                                  origin text, message text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN format(E'tree %s\nparents %s\nauthor %s\ntime %s\norigin %s\n\n%s',
                  tree, array_to_string(parents, ' '), author,
                  to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), origin, message);
COMMENT ON FUNCTION pggit.commit_hash_text(text, text[], text, timestamptz, text, text) IS
    'The text a commit id is the hex SHA-256 of: tree, parents (space-separated), author, time (UTC, microseconds), origin, a blank line, the message.';

CREATE OR REPLACE FUNCTION pggit.require_text(value text, what text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF value IS NULL OR btrim(value) = '' THEN
        RAISE EXCEPTION 'pggit: % is missing', what USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION pggit.require_text(text, text) IS 'Raises invalid_parameter_value ''pggit: <what> is missing'' when value is null or blank.';

CREATE OR REPLACE FUNCTION pggit.key_identity(object_key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN substr(object_key, strpos(object_key, ':') + 1);
COMMENT ON FUNCTION pggit.key_identity(text) IS 'The identity part of an object key: ''table:command.tb_meter'' -> ''command.tb_meter''.';

CREATE OR REPLACE FUNCTION pggit.key_kind(object_key text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN split_part(object_key, ':', 1);
COMMENT ON FUNCTION pggit.key_kind(text) IS 'The kind part of an object key: ''table:command.tb_meter'' -> ''table''.';
