-- Helpers of the catalog reader (inlined sql functions: no FROM, no SET).

CREATE OR REPLACE FUNCTION pggit.acl_text(acl aclitem[], kind "char", owner oid) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT CASE WHEN a = (SELECT array_agg(x::text ORDER BY x::text) FROM unnest(acldefault(kind, owner)) x) THEN NULL ELSE a END
              FROM (SELECT array_agg(x::text ORDER BY x::text) AS a FROM unnest(acl) x) s);
COMMENT ON FUNCTION pggit.acl_text(aclitem[], "char", oid) IS 'An ACL as sorted aclitem texts, or null when it grants what the object kind grants by default (acldefault(kind, owner)): privileges granted and revoked back compare equal to none granted.';

CREATE OR REPLACE FUNCTION pggit.firing_state(state "char") RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE state WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END;
COMMENT ON FUNCTION pggit.firing_state("char") IS 'When a trigger, rule or event trigger fires (pg_trigger.tgenabled, pg_rewrite.ev_enabled, pg_event_trigger.evtenabled): null for the default (O, origin and local sessions), else disabled (D), replica (R) or always (A).';

CREATE OR REPLACE FUNCTION pggit.without_properties(definition jsonb, owners boolean, privileges boolean, comments boolean) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN owners AND privileges AND comments THEN definition ELSE
        (SELECT CASE WHEN d ? 'columns' THEN jsonb_set(d, '{columns}', (SELECT jsonb_agg(c - x ORDER BY n)
                                                                         FROM jsonb_array_elements(d -> 'columns') WITH ORDINALITY e(c, n)))
                     WHEN d ? 'attributes' THEN jsonb_set(d, '{attributes}', (SELECT jsonb_agg(c - x ORDER BY n)
                                                                               FROM jsonb_array_elements(d -> 'attributes') WITH ORDINALITY e(c, n)))
                     ELSE d END
           FROM (SELECT definition - x AS d,
                        x FROM (SELECT ARRAY(SELECT k FROM unnest(ARRAY['owner', 'acl', 'comment'], ARRAY[owners, privileges, comments]) p(k, kept)
                                              WHERE NOT kept) AS x) xs) dx) END;
COMMENT ON FUNCTION pggit.without_properties(jsonb, boolean, boolean, boolean) IS 'A definition without the properties switched off (pggit.configure_properties): owner, acl (also of columns), comment (also of columns and attributes).';
