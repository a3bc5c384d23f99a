-- The views of seed 003 §4.2 (issue 16): insights, activity and data quality over the whole store
-- (every branch's commits, not only HEAD's). Each reads pggit's tables once; orphaned_objects is an
-- analysis (it reads the live catalog and every tree node) and says so.

CREATE OR REPLACE VIEW pggit.recent_commits_by_author AS
SELECT c.author, count(*) AS commits,
       count(*) FILTER (WHERE c.committed_at > now() - interval '7 days') AS commits_last_7_days,
       count(*) FILTER (WHERE c.committed_at > now() - interval '30 days') AS commits_last_30_days,
       min(c.committed_at) AS first_commit_at, max(c.committed_at) AS last_commit_at,
       (array_agg(c.id ORDER BY c.seq DESC))[1] AS last_commit_sha,
       (array_agg(c.message ORDER BY c.seq DESC))[1] AS last_message
  FROM pggit.commit c
 GROUP BY c.author
 ORDER BY max(c.committed_at) DESC, c.author;
COMMENT ON VIEW pggit.recent_commits_by_author IS
    'One row per author (the database role, or the author a tool gave): their commits (all, the last 7 and 30 days), first and last commit time, and their newest commit''s id and message; the most recently active first.';

CREATE OR REPLACE VIEW pggit.most_changed_objects AS
SELECT ch.object_key, ch.kind AS object_type, pggit.key_identity(ch.object_key) AS identity,
       count(*) AS changes,
       count(*) FILTER (WHERE ch.change = 'M') AS modifications,
       count(DISTINCT c.author) AS authors,
       min(c.committed_at) AS first_changed_at, max(c.committed_at) AS last_changed_at,
       (array_agg(c.id ORDER BY c.seq DESC))[1] AS last_commit_sha,
       (array_agg(c.author ORDER BY c.seq DESC))[1] AS last_author
  FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
 GROUP BY ch.object_key, ch.kind
 ORDER BY count(*) DESC, ch.object_key;
COMMENT ON VIEW pggit.most_changed_objects IS
    'One row per object key that any commit changed: how many change rows name it (adds, modifications, renames into it, deletes; a rename starts a new key: pggit.get_object_history follows it), how many of them modified it, by how many authors, first and last change time, and the last change''s commit and author; the most changed first.';

CREATE OR REPLACE VIEW pggit.branch_comparison AS
SELECT b.branch_name, b.is_head, b.head_sha, b.ahead AS ahead_of_main, b.behind AS behind_main,
       CASE WHEN m.commit_id IS NOT NULL THEN pggit.find_merge_base(b.head_sha, m.commit_id) END AS merge_base,
       c.committed_at AS last_commit_at, c.author AS last_author, c.message AS last_message,
       b.created_at, b.created_by, b.description
  FROM pggit.list_branches() b
  JOIN pggit.commit c ON c.id = b.head_sha
  LEFT JOIN pggit.ref m ON m.name = 'main'
 ORDER BY b.is_head DESC, b.branch_name;
COMMENT ON VIEW pggit.branch_comparison IS
    'One row per branch, compared with main: whether HEAD names it, the commit it points at, the commits it has that main does not (ahead_of_main) and main has that it does not (behind_main), their merge base (all three null without a main), its last commit''s time, author and message, and who created it, when and why. The checked-out branch first. Costs a walk of the commits each branch and main do not share (pggit.paint_down).';

CREATE OR REPLACE VIEW pggit.daily_change_summary AS
SELECT d.day, d.commits, d.authors,
       coalesce(x.added, 0) AS objects_added, coalesce(x.modified, 0) AS objects_modified,
       coalesce(x.renamed, 0) AS objects_renamed, coalesce(x.deleted, 0) AS objects_deleted,
       coalesce(x.added + x.modified + x.renamed + x.deleted, 0) AS objects_changed
  FROM (SELECT c.committed_at::date AS day, count(*) AS commits, count(DISTINCT c.author) AS authors
          FROM pggit.commit c GROUP BY 1) d
  LEFT JOIN (SELECT c.committed_at::date AS day,
                    count(*) FILTER (WHERE ch.change = 'A') AS added, count(*) FILTER (WHERE ch.change = 'M') AS modified,
                    count(*) FILTER (WHERE ch.change = 'R') AS renamed, count(*) FILTER (WHERE ch.change = 'D') AS deleted
               FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id GROUP BY 1) x ON x.day = d.day
 ORDER BY d.day DESC;
COMMENT ON VIEW pggit.daily_change_summary IS
    'One row per day with commits (the day in the session''s TimeZone): commits, distinct authors, and the objects those commits added, modified, renamed and deleted (objects_changed: all four); newest day first.';

CREATE OR REPLACE VIEW pggit.schema_growth_history AS
SELECT c.id AS commit_sha, c.seq, c.committed_at, c.author, c.origin, e.key AS object_type, e.value::bigint AS object_count,
       e.value::bigint - coalesce((p.object_counts ->> e.key)::bigint, 0) AS change, t.total_objects
  FROM pggit.commit c
  LEFT JOIN pggit.commit p ON p.id = c.parents[1]
 CROSS JOIN LATERAL (SELECT sum(x.value::bigint)::bigint AS total_objects FROM jsonb_each_text(c.object_counts) x) t
 CROSS JOIN LATERAL jsonb_each_text(c.object_counts) e
 ORDER BY c.seq, e.key;
COMMENT ON VIEW pggit.schema_growth_history IS
    'Objects per kind over time: one row per commit and kind its tree has, with the count of that kind in its tree (object_count), the difference from its first parent (change) and all objects of the tree (total_objects). Read from the counts stored with each commit (pggit.commit.object_counts, kept by the triggers of store/object_counts.sql), never by walking trees. Every commit of the store, oldest first: for one branch, join pggit.log(NULL, ''<branch>'').';

CREATE OR REPLACE VIEW pggit.author_activity AS
SELECT c.author, c.committed_at, c.id AS commit_sha, ch.change AS change_type, ch.kind AS object_type, ch.object_key, ch.old_key,
       c.origin, c.message, c.deployment_id
  FROM pggit.change ch JOIN pggit.commit c ON c.id = ch.commit_id
 ORDER BY c.seq DESC, ch.object_key;
COMMENT ON VIEW pggit.author_activity IS
    'Who changed what and when: one row per object change (A added, M modified, R renamed from old_key, D deleted) with its commit''s author, time, id, origin, message and deployment; newest first. Filter by author or object_key.';

CREATE OR REPLACE VIEW pggit.commit_without_message AS
SELECT c.id AS commit_sha, c.author, c.committed_at, c.origin, c.message,
       CASE WHEN btrim(c.message) = '' THEN 'empty'
            WHEN length(btrim(c.message)) >= 4 OR lower(btrim(c.message, ' .!')) IN ('wip', 'fix', 'tmp', 'xxx')
                THEN 'says nothing (' || lower(btrim(c.message, ' .!')) || ')'
            ELSE 'shorter than 4 characters' END AS reason
  FROM pggit.commit c
 WHERE btrim(c.message) = '' OR length(btrim(c.message)) < 4
    OR lower(btrim(c.message, ' .!')) IN ('wip', 'fix', 'fixes', 'update', 'updates', 'changes', 'change', 'commit', 'tmp', 'temp',
                                          'test', 'misc', 'stuff', 'todo', 'asdf', 'xxx', 'no message')
 ORDER BY c.seq DESC;
COMMENT ON VIEW pggit.commit_without_message IS
    'Commits whose message says nothing: empty or blank (which pggit.commit refuses, but a tool may pass), shorter than 4 characters, or one of the words that say nothing (wip, fix, update, changes, tmp, test, misc, todo, ...); reason says which. Newest first.';

CREATE OR REPLACE VIEW pggit.orphaned_objects AS
SELECT 'live_not_committed'::text AS orphan_type, r.object_key, r.kind AS object_type, r.schema_name, NULL::text AS hash,
       NULL::bigint AS size, 'in the live catalog and no commit ever recorded it (drift or untracked)'::text AS detail
  FROM pggit.read_catalog() r
 WHERE NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.object_key = r.object_key)
   AND NOT EXISTS (SELECT 1 FROM pggit.object_map m WHERE m.object_key = r.object_key)
   AND pggit.is_tracked('A', r.object_key, r.kind, r.schema_name, r.directive, NULL)
UNION ALL
SELECT 'unreferenced_definition', NULL, NULL, NULL, b.hash, octet_length(b.definition::text)::bigint,
       'a stored definition no tree node, change row, index entry or merge references (pggit.purge_history removes it)'
  FROM pggit.blob b
 WHERE NOT EXISTS (SELECT 1 FROM pggit.object_map m WHERE m.hash = b.hash)
   AND NOT EXISTS (SELECT 1 FROM pggit.change ch WHERE ch.new_hash = b.hash OR ch.old_hash = b.hash)
   AND NOT EXISTS (SELECT 1 FROM pggit.tree t, jsonb_each_text(t.entries) e WHERE strpos(e.key, ':') > 0 AND e.value = b.hash);
COMMENT ON VIEW pggit.orphaned_objects IS
    'An analysis, not a history read: objects no commit accounts for. orphan_type live_not_committed: an object of the live catalog that the tracking rules keep and that no commit ever recorded and HEAD''s index lacks (new drift, or DDL made while tracking was off; reads the live catalog: pggit.read_catalog). orphan_type unreferenced_definition: a stored definition (pggit.blob) that no tree node, change row or index entry references (left by an aborted merge or a purge; garbage pggit.purge_history collects). The second part reads every tree node: its cost grows with the whole store (seconds on a history of many thousand commits), so query it with WHERE orphan_type = ''live_not_committed'' when only the first is wanted.';

CREATE OR REPLACE VIEW pggit.large_commits AS
WITH per_commit AS (
    SELECT ch.commit_id, count(*) AS objects_changed,
           count(*) FILTER (WHERE ch.change = 'A') AS added, count(*) FILTER (WHERE ch.change = 'M') AS modified,
           count(*) FILTER (WHERE ch.change = 'R') AS renamed, count(*) FILTER (WHERE ch.change = 'D') AS deleted,
           array_agg(DISTINCT ch.kind ORDER BY ch.kind) AS kinds
      FROM pggit.change ch GROUP BY ch.commit_id
), usual AS (
    SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY p.objects_changed) AS p95 FROM per_commit p
)
SELECT c.id AS commit_sha, c.author, c.committed_at, c.origin, c.message, p.objects_changed, p.added, p.modified, p.renamed, p.deleted,
       p.kinds, u.p95 AS usual_p95
  FROM per_commit p JOIN pggit.commit c ON c.id = p.commit_id CROSS JOIN usual u
 WHERE p.objects_changed >= 10 AND p.objects_changed > u.p95
 ORDER BY p.objects_changed DESC, c.seq DESC;
COMMENT ON VIEW pggit.large_commits IS
    'Commits that changed many objects: at least 10, and more than 95% of all commits did (usual_p95, the 95th percentile of objects changed per commit). Per commit: author, time, origin, message, objects changed (added, modified, renamed, deleted) and their kinds; the largest first. A baseline is usually one; filter by origin to leave it out.';
