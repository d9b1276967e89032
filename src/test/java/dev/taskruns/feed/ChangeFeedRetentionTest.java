package dev.taskruns.feed;

import dev.taskruns.store.RunStatus;
import dev.taskruns.store.RunStore;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.taskruns.support.Runs.run;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Retention as the scheduled job runs it: only what is older than the retention goes, a prefix of ids. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ChangeFeedRetentionTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    @Inject
    ChangeFeed feed;

    @Inject
    RunStore store;

    @Inject
    Database db;

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void changesAndCyclesOlderThanTheRetentionGoAndResumingFromThemIsGone() {
        store.write(List.of(run("alpha", "old", "d1", T0, RunStatus.RUNNING)));
        store.write(List.of(run("alpha", "young", "d1", T0.plusSeconds(60), RunStatus.FAILED)));
        long oldId = (Long) db.single("SELECT min(id) FROM last_run_change");
        long youngId = (Long) db.single("SELECT max(id) FROM last_run_change");
        // the first change committed eight days ago (the test profile keeps the 7-day default)
        db.execute("UPDATE last_run_change SET created_at = now() - interval '8 days' WHERE id = " + oldId);
        db.execute("INSERT INTO sync_cycle (source_id, started_at, finished_at, outcome, pages, runs_written, bad_records) "
                + "VALUES ('alpha', now() - interval '8 days', now() - interval '8 days', 'SUCCEEDED', 1, 1, 0), "
                + "('alpha', now() - interval '1 hour', now() - interval '1 hour', 'FAILED', 0, 0, 0)");

        feed.prune();

        assertThat(db.list("SELECT id FROM last_run_change")).containsExactly(youngId);
        assertThat(db.single("SELECT pruned_through FROM change_feed_state")).isEqualTo(oldId);
        assertThat(db.list("SELECT outcome FROM sync_cycle")).containsExactly("FAILED");
        given().accept("application/json").queryParam("after", String.valueOf(oldId - 1)).get("/api/v1/changes")
                .then().statusCode(410);
        given().accept("application/json").get("/api/v1/changes").then().statusCode(200)
                .body("items.run.runId", equalTo(List.of("young")));
        given().accept("application/json").queryParam("after", String.valueOf(oldId)).get("/api/v1/changes")
                .then().statusCode(200).body("items.run.runId", equalTo(List.of("young")));
    }
}
