-- @pggit-ignore / @pggit-track directives in object comments.

CREATE OR REPLACE FUNCTION pggit.directive_of(comment text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN comment ~ '@pggit[-:]ignore\M' THEN 'ignore' WHEN comment ~ '@pggit[-:]track\M' THEN 'track' END;
COMMENT ON FUNCTION pggit.directive_of(text) IS 'The tracking directive in an object comment: ignore for @pggit-ignore or @pggit:ignore, track for @pggit-track or @pggit:track, else null.';

CREATE OR REPLACE FUNCTION pggit.without_directives(definition jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN NOT coalesce(definition ->> 'comment' ~ '@pggit[-:](ignore|track)\M', false) THEN definition
        WHEN nullif(btrim(regexp_replace(definition ->> 'comment', '@pggit[-:](ignore|track)\M', '', 'g')), '') IS NULL
            THEN definition - 'comment'
        ELSE jsonb_set(definition, '{comment}',
                       to_jsonb(btrim(regexp_replace(definition ->> 'comment', '@pggit[-:](ignore|track)\M', '', 'g'))))
    END;
COMMENT ON FUNCTION pggit.without_directives(jsonb) IS 'A definition with tracking directives removed from its comment: directives are not part of an object''s content hash.';
