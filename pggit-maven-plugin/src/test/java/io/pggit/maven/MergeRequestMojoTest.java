package io.pggit.maven;

import io.pggit.core.testing.TestDb;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pggit:merge-request: created by one login role, refused to its creator, approved by another, listed, closed. */
class MergeRequestMojoTest {

    static final String ALICE = "pggit_mrgoal_alice";
    static final String BOB = "pggit_mrgoal_bob";

    static MergeRequestMojo goal(TestDb db, String role, String... parameters) {
        MergeRequestMojo mojo = new MergeRequestMojo();
        Goals.set(mojo, "url", db.jdbcUrl());
        Goals.set(mojo, "user", role);
        Goals.set(mojo, "password", "pw");
        for (int i = 0; i < parameters.length; i += 2) {
            Goals.set(mojo, parameters[i], parameters[i + 1]);
        }
        return mojo;
    }

    @Test
    void aRequestIsCreatedApprovedByAnotherRoleListedAndClosed() throws Exception {
        TestDb db = TestDb.withPggit("merge_request_goal");
        for (String role : List.of(ALICE, BOB)) {
            db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; END IF; END $$", "GRANT pggit_writer TO " + role);
        }
        db.exec("CREATE TABLE public.t (a int)", "SELECT pggit.commit('base')", "SELECT pggit.create_branch('feature/meter')",
                "CREATE TABLE public.meter (a int)", "UPDATE pggit.head SET branch = 'feature/meter'", "SELECT pggit.commit('meter')",
                "UPDATE pggit.head SET branch = 'main'");

        MergeRequestMojo create = goal(db, ALICE, "sourceBranch", "feature/meter", "targetBranch", "main", "title", "meter readings");
        List<String> created = Goals.captureInfo(create);
        create.execute();
        String id = db.value("SELECT id FROM pggit.merge_request");
        assertEquals(List.of("pggit: merge request " + id + " of feature/meter into main is open; it merges cleanly now"), created);

        MojoExecutionException own = assertThrows(MojoExecutionException.class, () -> goal(db, ALICE, "approve", id).execute());
        assertTrue(own.getMessage().contains("cannot approve their own merge request"), own.getMessage());
        MergeRequestMojo approve = goal(db, BOB, "approve", id, "notes", "fine");
        List<String> approved = Goals.captureInfo(approve);
        approve.execute();
        assertEquals(List.of("pggit: approved merge request " + id), approved);

        MergeRequestMojo list = goal(db, ALICE);
        List<String> listed = Goals.captureInfo(list);
        list.execute();
        assertEquals(List.of("pggit merge requests:",
                "  " + id + " feature/meter -> main  approved by " + BOB + "  1 ahead, 0 behind, merges cleanly  \"meter readings\" (" + ALICE + ")"), listed);

        MojoExecutionException notAnId = assertThrows(MojoExecutionException.class, () -> goal(db, BOB, "close", "42").execute());
        assertTrue(notAnId.getMessage().contains("is a merge request id"), notAnId.getMessage());
        MojoExecutionException two = assertThrows(MojoExecutionException.class, () -> goal(db, BOB, "close", id, "approve", id).execute());
        assertTrue(two.getMessage().contains("does one thing"), two.getMessage());
        goal(db, BOB, "close", id, "reason", "merged by hand").execute();
        assertEquals("closed", db.value("SELECT status FROM pggit.merge_request"));
        MergeRequestMojo none = goal(db, ALICE);
        List<String> empty = Goals.captureInfo(none);
        none.execute();
        assertEquals(List.of("pggit: no merge request is open"), empty);
    }
}
