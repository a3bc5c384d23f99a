-- Schema pggit as a set of lines, one per property of each object, for comparing an upgraded
-- installation with a fresh one (UpgradeTest). Nothing physical enters: no OIDs, no attnums
-- (columns by their position among the live ones), no installation times.
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = 'pggit')
SELECT line FROM (
    SELECT 'schema pggit owner=' || pg_get_userbyid(n.nspowner) || ' acl=' || coalesce(n.nspacl::text, '-')
           || ' comment=' || coalesce(obj_description(n.oid, 'pg_namespace'), '-') AS line
      FROM pg_namespace n WHERE n.oid IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('relation %s kind=%s persistence=%s options=%s acl=%s comment=%s', c.relname, c.relkind, c.relpersistence,
                  coalesce(c.reloptions::text, '-'), coalesce(c.relacl::text, '-'), coalesce(obj_description(c.oid, 'pg_class'), '-'))
      FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind <> 'i'
    UNION ALL
    SELECT format('column %s #%s %s %s notnull=%s default=%s identity=%s generated=%s collation=%s acl=%s comment=%s',
                  c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
                  format_type(a.atttypid, a.atttypmod), a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), '-'),
                  a.attidentity, a.attgenerated, a.attcollation::regcollation, coalesce(a.attacl::text, '-'),
                  coalesce(col_description(c.oid, a.attnum), '-'))
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' comment=' || coalesce(obj_description(i.indexrelid, 'pg_class'), '-')
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('constraint %s.%s %s comment=%s', k.conrelid::regclass, k.conname, pg_get_constraintdef(k.oid),
                  coalesce(obj_description(k.oid, 'pg_constraint'), '-'))
      FROM pg_constraint k WHERE k.connamespace IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('view %s %s', c.relname, pg_get_viewdef(c.oid))
      FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('v', 'm')
    UNION ALL
    SELECT format('sequence %s %s %s %s %s %s %s', c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcycle)
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('trigger %s', pg_get_triggerdef(g.oid))
      FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE c.relnamespace IN (SELECT oid FROM ns) AND NOT g.tgisinternal
    UNION ALL
    SELECT format('routine %s(%s) kind=%s acl=%s owner=%s comment=%s definition=%s', p.proname, pg_get_function_identity_arguments(p.oid),
                  p.prokind, coalesce(p.proacl::text, '-'), pg_get_userbyid(p.proowner),
                  coalesce(obj_description(p.oid, 'pg_proc'), '-'),
                  CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE p.prosrc END)
      FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('type %s typtype=%s acl=%s comment=%s', t.typname, t.typtype, coalesce(t.typacl::text, '-'),
                  coalesce(obj_description(t.oid, 'pg_type'), '-'))
      FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns)
       AND t.typcategory <> 'A' AND (t.typrelid = 0 OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
    UNION ALL
    SELECT format('enum %s %s', e.enumtypid::regtype, e.enumlabel) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
     WHERE t.typnamespace IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('event trigger %s on %s executes %s enabled=%s tags=%s owner=%s comment=%s', e.evtname, e.evtevent, e.evtfoid::regproc,
                  e.evtenabled, coalesce(e.evttags::text, '-'), pg_get_userbyid(e.evtowner), coalesce(obj_description(e.oid, 'pg_event_trigger'), '-'))
      FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid WHERE p.pronamespace IN (SELECT oid FROM ns)
    UNION ALL
    SELECT format('default privileges %s %s %s', pg_get_userbyid(d.defaclrole), d.defaclobjtype, d.defaclacl)
      FROM pg_default_acl d WHERE d.defaclnamespace IN (SELECT oid FROM ns)
) lines
ORDER BY line
