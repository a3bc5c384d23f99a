package io.pggit.core;

import io.pggit.core.model.MergeRequest;
import io.pggit.core.testing.TestDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Merge requests (issue 15; seed 003 §5.2): workflow records of a proposed merge, approved by
 * another login role than their creator (session_user), and the gate a merge passes when the
 * setting merge_requires_approval is on. Each role here is a login of its own, since SET ROLE keeps
 * session_user. Branches diverge as in {@link MergeConflictsTest}: {@code pggit.head} moved by hand.
 */
class MergeRequestsTest {

    /** Login roles, each a pggit_writer but the reader; one with a mixed-case name holding a quote and a space. */
    static final String ALICE = "pggit_mr_alice";
    static final String BOB = "pggit_mr_bob";
    static final String HOSTILE = "pggit_mr_Rév O'Neil";
    static final String READER = "pggit_mr_reader";

    static TestDb db;

    @BeforeAll
    static void branchesAndRoles() {
        db = TestDb.withPggit("merge_requests");
        for (String role : List.of(ALICE, BOB, HOSTILE, READER)) {
            String ident = "\"" + role.replace("\"", "\"\"") + "\"";
            db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $q$" + role + "$q$) THEN "
                    + "CREATE ROLE " + ident + " LOGIN PASSWORD 'pw'; END IF; END $$",
                    "GRANT " + (role.equals(READER) ? "pggit_reader" : "pggit_writer") + " TO " + ident);
        }
        Pggit pggit = db.pggit();
        db.exec("CREATE TABLE public.t (id int, b text)");
        pggit.commit("base");
        pggit.createBranch("feature/clash", null, null);
        pggit.createBranch("naïve/été-ß", null, "a unicode branch name");
        pggit.createBranch("feature/o'brien", null, "a quote in the name");
        // main: b becomes varchar(10)
        db.exec("ALTER TABLE public.t ALTER b TYPE varchar(10)");
        pggit.commit("target side");
        // feature/clash: b becomes varchar(20) (a conflict with main)
        db.exec("ALTER TABLE public.t ALTER b TYPE text", "ALTER TABLE public.t ALTER b TYPE varchar(20)",
                "UPDATE pggit.head SET branch = 'feature/clash'");
        pggit.commit("clash side");
        // naïve/été-ß: a table of its own (merges cleanly into main)
        db.exec("CREATE TABLE public.clean_only (id int)", "UPDATE pggit.head SET branch = 'naïve/été-ß'");
        pggit.commit("clean side");
        db.exec("UPDATE pggit.head SET branch = 'main'");
    }

    static DataSource as(String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("pw");
        return ds;
    }

    static Pggit pggitAs(String role) {
        return Pggit.builder(as(role)).build();
    }

    /** The first column of the first row of {@code sql} run as {@code role}, or "SQLSTATE message" when it fails. */
    static String run(String role, String sql) {
        try (Connection c = as(role).getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    static String create(String role, String source, String target, String reviewer) {
        return run(role, "SELECT mr_id FROM pggit.create_merge_request($q$" + source + "$q$, $q$" + target + "$q$, $t$title: " + source
                + "$t$, NULL, " + (reviewer == null ? "NULL" : "$q$" + reviewer + "$q$") + ")");
    }

    static String status(String id) {
        return db.value("SELECT status FROM pggit.merge_request WHERE id = '" + id + "'");
    }

    @Test
    void aRequestIsApprovedByAnotherLoginRoleNeverByItsCreator() {
        Pggit alice = pggitAs(ALICE);
        MergeRequest.Created clean = alice.createMergeRequest("naïve/été-ß", "main", "the clean_only table", "it merges cleanly", null);
        assertEquals(MergeRequest.Status.OPEN, clean.status());
        assertFalse(clean.conflicts());
        MergeRequest.Created clash = alice.createMergeRequest("feature/clash", "main", "b as varchar(20)", null, null);
        assertTrue(clash.conflicts(), "both changed column b");

        String own = run(ALICE, "SELECT pggit.approve_merge_request('" + clean.id() + "', 'lgtm')");
        assertTrue(own.startsWith("42501") && own.contains("own merge request"), own);
        PggitException viaJava = assertThrows(PggitException.class, () -> alice.approveMergeRequest(clean.id(), null));
        assertTrue(viaJava.getMessage().contains("own merge request"), viaJava.getMessage());
        assertEquals("open", status(clean.id().toString()));

        String forged = run(ALICE, "UPDATE pggit.merge_request SET status = 'approved', approved_by = 'someone' RETURNING id");
        assertTrue(forged.startsWith("42501"), "the table is written through the functions only: " + forged);
        assertTrue(pggitAs(BOB).approveMergeRequest(clean.id(), "looks fine to me"));
        assertEquals(List.of(List.of("approved", BOB, "looks fine to me", ALICE)),
                db.rows("SELECT status, approved_by, approval_notes, created_by FROM pggit.merge_request WHERE id = '" + clean.id() + "'"));

        List<MergeRequest> open = alice.listMergeRequests();
        assertEquals(List.of("feature/clash -> main open conflicts=true ahead=1 behind=1",
                        "naïve/été-ß -> main approved conflicts=false ahead=1 behind=1"),
                open.stream().map(m -> m.sourceBranch() + " -> " + m.targetBranch() + " " + m.status().sql() + " conflicts="
                        + m.conflicts().orElseThrow() + " ahead=" + m.ahead().getAsLong() + " behind=" + m.behind().getAsLong()).sorted().toList());
        MergeRequest approved = open.stream().filter(m -> m.id().equals(clean.id())).findFirst().orElseThrow();
        assertEquals(BOB, approved.approvedBy().orElseThrow());
        assertEquals("it merges cleanly", approved.description().orElseThrow());
        assertEquals(ALICE, approved.createdBy());
        assertFalse(approved.approvalStale());

        // one open request per pair
        String again = create(BOB, "naïve/été-ß", "main", null);
        assertTrue(again.startsWith("42710") && again.contains(clean.id().toString()), again);

        // closed: approving it or closing it again is refused
        db.exec("SELECT pggit.close_merge_request('" + clash.id() + "', 'superseded')");
        assertEquals(List.of(List.of("closed", "superseded", "postgres")),
                db.rows("SELECT status, close_reason, closed_by FROM pggit.merge_request WHERE id = '" + clash.id() + "'"));
        String approveClosed = run(BOB, "SELECT pggit.approve_merge_request('" + clash.id() + "')");
        assertTrue(approveClosed.startsWith("55000") && approveClosed.contains("is closed"), approveClosed);
        String closeClosed = run(BOB, "SELECT pggit.close_merge_request('" + clash.id() + "', 'again')");
        assertTrue(closeClosed.startsWith("55000"), closeClosed);
        assertEquals(List.of(clean.id().toString()), db.column("SELECT mr_id FROM pggit.open_merge_requests WHERE target_branch = 'main'"));
        db.exec("SELECT pggit.close_merge_request('" + clean.id() + "', 'done with this test')");
    }

    @Test
    void aReviewerNamedOnTheRequestIsTheOneWhoApprovesIt() {
        String id = create(ALICE, "feature/o'brien", "naïve/été-ß", HOSTILE);
        assertEquals(36, id.length(), id);
        String other = run(BOB, "SELECT pggit.approve_merge_request('" + id + "')");
        assertTrue(other.startsWith("42501") && other.contains("reviewer"), other);
        assertEquals("t", run(HOSTILE, "SELECT pggit.approve_merge_request('" + id + "', 'ok from ''me''')"));
        assertEquals(List.of(List.of("approved", HOSTILE, HOSTILE)),
                db.rows("SELECT status, approved_by, reviewer FROM pggit.merge_request WHERE id = '" + id + "'"));
        db.exec("SELECT pggit.close_merge_request('" + id + "', 'done')");
    }

    @Test
    void creatingARequestNamesWhatIsWrong() {
        String unknown = create(ALICE, "nope", "main", null);
        assertTrue(unknown.startsWith("42704") && unknown.contains("no branch \"nope\""), unknown);
        String unknownTarget = create(ALICE, "main", "HEAD", null);
        assertTrue(unknownTarget.startsWith("42704") && unknownTarget.contains("no branch \"HEAD\""), unknownTarget);
        String same = create(ALICE, "main", "main", null);
        assertTrue(same.startsWith("22023") && same.contains("into itself"), same);
        String noTitle = run(ALICE, "SELECT mr_id FROM pggit.create_merge_request('feature/clash', 'main', ' ')");
        assertTrue(noTitle.startsWith("22023") && noTitle.contains("the title is missing"), noTitle);
        String noRole = create(ALICE, "feature/clash", "main", "pggit_mr_nobody");
        assertTrue(noRole.startsWith("42704") && noRole.contains("no role \"pggit_mr_nobody\""), noRole);
        String self = create(ALICE, "feature/clash", "main", ALICE);
        assertTrue(self.startsWith("22023") && self.contains("reviewer"), self);
        String reader = create(READER, "feature/clash", "main", null);
        assertTrue(reader.startsWith("42501"), reader);
        String readerApproves = run(READER, "SELECT pggit.approve_merge_request(gen_random_uuid())");
        assertTrue(readerApproves.startsWith("42501"), readerApproves);
        String unknownId = run(BOB, "SELECT pggit.approve_merge_request('00000000-0000-0000-0000-000000000000')");
        assertTrue(unknownId.startsWith("42704") && unknownId.contains("no merge request"), unknownId);
        assertEquals("0", db.value("SELECT count(*) FROM pggit.merge_request WHERE created_by = '" + READER + "'"));
        // a reader reads the open requests and writes nothing (no transaction id)
        assertEquals("t", run(READER, "SELECT (SELECT count(*) FROM pggit.open_merge_requests) >= 0 AND pg_current_xact_id_if_assigned() IS NULL"));
    }

    @Test
    void whenMergesNeedApprovalTheGateRefusesUntilTheRequestIsApprovedAtTheSourcesTip() {
        db.exec("SELECT pggit.create_branch('gate/src', 'feature/clash')");
        assertEquals("f", db.value("SELECT merge_requires_approval::text FROM pggit.merge_config").substring(0, 1));
        // off: no request needed; an open one for the pair is returned so that the merge marks it merged
        assertNull(db.value("SELECT pggit.merge_gate('gate/src', 'naïve/été-ß')"));
        String writerSets = run(BOB, "SELECT pggit.configure_merges(requires_approval => true)");
        assertTrue(writerSets.startsWith("42501"), writerSets);
        db.exec("SELECT pggit.configure_merges(requires_approval => true)");
        try {
            String none = gate("gate/src", "naïve/été-ß");
            assertTrue(none.startsWith("55000") && none.contains("needs an approved merge request") && none.contains("create_merge_request"), none);
            String id = create(ALICE, "gate/src", "naïve/été-ß", null);
            String unapproved = gate("gate/src", "naïve/été-ß");
            assertTrue(unapproved.startsWith("55000") && unapproved.contains("is not approved") && unapproved.contains(id), unapproved);
            assertEquals("t", run(BOB, "SELECT pggit.approve_merge_request('" + id + "')"));
            assertEquals(id, gate("gate/src", "naïve/été-ß"));
            assertEquals(id, gate("gate/src", "naïve/été-ß"), "the gate only reads");

            // a commit on the source after the approval: approve again
            HistoryTest.insert(db, "after approval", db.headTree(), "pggit.resolve('gate/src')");
            db.exec("UPDATE pggit.ref SET commit_id = " + HistoryTest.id("after approval") + " WHERE name = 'gate/src'");
            assertEquals("t", db.value("SELECT approval_stale::text FROM pggit.open_merge_requests WHERE mr_id = '" + id + "'").substring(0, 1));
            String moved = gate("gate/src", "naïve/été-ß");
            assertTrue(moved.startsWith("55000") && moved.contains("moved since"), moved);
            assertEquals("t", run(HOSTILE, "SELECT pggit.approve_merge_request('" + id + "')"));
            assertEquals(id, gate("gate/src", "naïve/été-ß"));

            String mergeId = db.value("SELECT merge_id FROM pggit.merge_branch('gate/src', 'naïve/été-ß')");
            assertEquals(List.of(List.of("merged", mergeId)), db.rows("SELECT status, merge_id FROM pggit.merge_request WHERE id = '" + id + "'"),
                    "the merge (of a branch not checked out: completed at once) carried out the request");
            assertEquals("0", db.value("SELECT count(*) FROM pggit.open_merge_requests WHERE mr_id = '" + id + "'"));
            String approveMerged = run(BOB, "SELECT pggit.approve_merge_request('" + id + "')");
            assertTrue(approveMerged.startsWith("55000") && approveMerged.contains("is merged"), approveMerged);
            String markAgain = gate("gate/src", "naïve/été-ß");
            assertTrue(markAgain.contains("needs an approved merge request"), markAgain);
            assertTrue(run(BOB, "SELECT pggit.merge_gate('feature/clash', 'main')").startsWith("42501"), "the gate is merge_branch's to call");
        } finally {
            db.exec("SELECT pggit.configure_merges(requires_approval => false)");
        }
        assertEquals(List.of("false true", "true false"),
                db.column("SELECT (old_value ->> 'merge_requires_approval') || ' ' || (new_value ->> 'merge_requires_approval') "
                        + "FROM pggit.rule_change WHERE rule = 'configure_merges' ORDER BY id"));

        // off again: an open request for the pair is handed to the merge, which marks it merged
        String open = create(ALICE, "naïve/été-ß", "gate/src", null);
        assertEquals(open, db.value("SELECT pggit.merge_gate('naïve/été-ß', 'gate/src')"));
        db.exec("SELECT pggit.close_merge_request('" + open + "', 'done')");
    }

    @Test
    void aRequestWhoseBranchWasDeletedStaysListedWithoutCounts() {
        db.exec("SELECT pggit.create_branch('short-lived')");
        String id = create(ALICE, "short-lived", "main", null);
        db.exec("SELECT pggit.delete_branch('short-lived')");
        assertEquals(List.of(List.of("open", "", "", "")),
                db.rows("SELECT status, coalesce(ahead::text, ''), coalesce(behind::text, ''), coalesce(conflicts::text, '') "
                        + "FROM pggit.open_merge_requests WHERE mr_id = '" + id + "'"));
        String approve = run(BOB, "SELECT pggit.approve_merge_request('" + id + "')");
        assertTrue(approve.startsWith("42704") && approve.contains("no branch \"short-lived\""), approve);
        assertEquals("t", run(BOB, "SELECT pggit.close_merge_request('" + id + "', 'branch deleted')"), "anyone with pggit_writer closes");
    }

    /** merge_gate as pggit's owner (merge_branch's caller), or "SQLSTATE message [HINT]" when it refuses. */
    static String gate(String source, String target) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pggit.merge_gate($q$" + source + "$q$, $q$" + target + "$q$)")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            String hint = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                    ? " " + p.getServerErrorMessage().getHint() : "";
            return e.getSQLState() + " " + e.getMessage() + hint;
        }
    }
}
