package dev.taskruns.api;

import dev.taskruns.store.RunStatus;
import dev.taskruns.store.RunStore;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.support.Database;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import io.restassured.response.ValidatableResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.taskruns.support.Runs.run;

/**
 * A small fleet across three sources, chosen so every facade rule has a case:
 * <pre>
 * alpha d1: r1 T0 SUCCEEDED task-1, r2 T0+60 FAILED task-2      last: r2
 * alpha d2: r3 T0+30 RUNNING task-1                               last: r3
 * alpha d3: r4 T0 SUCCEEDED task-1, r5 T0 FAILED task-1 (tie)     last: r5
 * beta  d1: b1 T0+120 SUCCEEDED task-1                            last: b1
 * gamma ip:10.0.0.1: g1 T0+10 FAILED scene-1 (Alibaba)           last: g1
 * </pre>
 */
final class FacadeFixture {

    static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    /** Base of the facade tests: the fixture is loaded afresh before each test. */
    abstract static class Loaded {
        @Inject
        Database db;

        @Inject
        RunStore store;

        @BeforeEach
        void load() {
            FacadeFixture.load(db, store);
        }
    }

    private FacadeFixture() {
    }

    static void load(Database db, RunStore store) {
        db.clear();
        store.write(List.of(
                run("alpha", "r1", "d1", "task-1", T0, RunStatus.SUCCEEDED),
                run("alpha", "r2", "d1", "task-2", T0.plusSeconds(60), RunStatus.FAILED),
                run("alpha", "r3", "d2", "task-1", T0.plusSeconds(30), RunStatus.RUNNING),
                run("alpha", "r4", "d3", "task-1", T0, RunStatus.SUCCEEDED),
                run("alpha", "r5", "d3", "task-1", T0, RunStatus.FAILED),
                run("beta", "b1", "d1", "task-1", T0.plusSeconds(120), RunStatus.SUCCEEDED),
                run("gamma", "g1", "ip:10.0.0.1", "scene-1", T0.plusSeconds(10), RunStatus.FAILED)));
    }

    static ValidatableResponse get(String path, Map<String, ?> query) {
        return RestAssured.given().queryParams(query).get(path).then();
    }

    /** "source/runId" of each item of a page. */
    static List<String> ids(ValidatableResponse response) {
        List<String> sources = response.extract().jsonPath().getList("items.source");
        List<String> runs = response.extract().jsonPath().getList("items.runId");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            ids.add(sources.get(i) + "/" + runs.get(i));
        }
        return ids;
    }

    static UnifiedRun extra(String source, String runId, String deviceId, Instant startedAt) {
        return run(source, runId, deviceId, "task-1", startedAt, RunStatus.SUCCEEDED);
    }
}
