package dev.taskruns.api;

import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.taskruns.api.FacadeFixture.T0;
import static dev.taskruns.api.FacadeFixture.extra;
import static dev.taskruns.api.FacadeFixture.get;
import static dev.taskruns.api.FacadeFixture.ids;
import static dev.taskruns.support.Runs.onDevice;
import static dev.taskruns.support.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class LastRunsApiTest extends FacadeFixture.Loaded {

    @Test
    void oneItemPerSourceAndDeviceInKeyOrderEachItsLastRun() {
        ValidatableResponse page = get("/api/v1/last-runs", Map.of()).statusCode(200)
                .contentType("application/json")
                .body("nextCursor", nullValue());
        assertThat(ids(page)).containsExactly("alpha/r2", "alpha/r3", "alpha/r5", "beta/b1", "gamma/g1");
    }

    @Test
    void aRunIsRenderedWithEveryContractField() {
        get("/api/v1/last-runs", Map.of("source", "alpha", "deviceId", "d1")).statusCode(200)
                .body("items[0].source", equalTo("alpha"))
                .body("items[0].vendor", equalTo("ESET"))
                .body("items[0].deviceId", equalTo("d1"))
                .body("items[0].deviceName", equalTo("Device d1"))
                .body("items[0].taskId", equalTo("task-2"))
                .body("items[0].taskName", equalTo("Task task-2"))
                .body("items[0].runId", equalTo("r2"))
                .body("items[0].status", equalTo("FAILED"))
                .body("items[0].vendorStatus", equalTo("TASK_RUN_STATUS_FAILED"))
                .body("items[0].startedAt", equalTo("2026-11-01T08:01:00.000Z"))
                .body("items[0].endedAt", nullValue())
                .body("items[0].updatedAt", org.hamcrest.Matchers.matchesPattern(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }

    @Test
    void vendorAndSourceChooseTheRunsThatCount() {
        assertThat(ids(get("/api/v1/last-runs", Map.of("vendor", "ALIBABA")))).containsExactly("gamma/g1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("vendor", "eset"))))
                .containsExactly("alpha/r2", "alpha/r3", "alpha/r5", "beta/b1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("source", "beta")))).containsExactly("beta/b1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("source", List.of("beta", "gamma")))))
                .containsExactly("beta/b1", "gamma/g1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("deviceId", "d1")))).containsExactly("alpha/r2", "beta/b1");
    }

    @Test
    void statusKeepsTheDevicesWhoseLastRunHasIt() {
        assertThat(ids(get("/api/v1/last-runs", Map.of("status", "FAILED"))))
                .containsExactly("alpha/r2", "alpha/r5", "gamma/g1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("status", List.of("FAILED", "RUNNING")))))
                .containsExactly("alpha/r2", "alpha/r3", "alpha/r5", "gamma/g1");
        // d1's SUCCEEDED run r1 is not its last run, so d1 is not listed under SUCCEEDED
        assertThat(ids(get("/api/v1/last-runs", Map.of("status", "SUCCEEDED", "source", "alpha")))).isEmpty();
    }

    @Test
    void taskIdGivesEachDevicesLastRunOfThatTask() {
        assertThat(ids(get("/api/v1/last-runs", Map.of("taskId", "task-1"))))
                .containsExactly("alpha/r1", "alpha/r3", "alpha/r5", "beta/b1");
        // the devices where task-1 last succeeded
        assertThat(ids(get("/api/v1/last-runs", Map.of("taskId", "task-1", "status", "SUCCEEDED"))))
                .containsExactly("alpha/r1", "beta/b1");
        // pages of one: the limit inside the per-task query still leaves every device to a later page
        ValidatableResponse first = get("/api/v1/last-runs", Map.of("taskId", "task-1", "limit", 3));
        assertThat(ids(first)).containsExactly("alpha/r1", "alpha/r3", "alpha/r5");
        String cursor = first.extract().path("nextCursor");
        assertThat(ids(get("/api/v1/last-runs", Map.of("taskId", "task-1", "limit", 3, "cursor", cursor))))
                .containsExactly("beta/b1");
    }

    @Test
    void timeWindowIsInclusiveAtTheStartAndExclusiveAtTheEnd() {
        assertThat(ids(get("/api/v1/last-runs", Map.of("startedBefore", "2026-11-01T08:01:00Z", "source", "alpha"))))
                .containsExactly("alpha/r1", "alpha/r3", "alpha/r5");
        assertThat(ids(get("/api/v1/last-runs", Map.of("startedAfter", "2026-11-01T08:00:30Z"))))
                .containsExactly("alpha/r2", "alpha/r3", "beta/b1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("startedAfter", "2026-11-01T10:00:30+02:00"))))
                .as("offsets are honoured").containsExactly("alpha/r2", "alpha/r3", "beta/b1");
    }

    @Test
    void statusAppliesToTheLastRunWithinTheTimeWindow() {
        // from a moment on only: each device's own last run, if it started since (the device row's copy)
        assertThat(ids(get("/api/v1/last-runs", Map.of("startedAfter", "2026-11-01T08:00:30Z", "status", "FAILED"))))
                .containsExactly("alpha/r2");
        // a window with an end: the last run inside it, probed per device; d1's is r1 (r2 starts at its end)
        assertThat(ids(get("/api/v1/last-runs", Map.of("startedAfter", "2026-11-01T08:00:00Z",
                "startedBefore", "2026-11-01T08:01:00Z", "status", "FAILED"))))
                .containsExactly("alpha/r5", "gamma/g1");
        assertThat(ids(get("/api/v1/last-runs", Map.of("startedAfter", "2026-11-01T08:00:00Z",
                "startedBefore", "2026-11-01T08:01:00Z", "status", "SUCCEEDED"))))
                .containsExactly("alpha/r1");
    }

    @Test
    void walkingAllPagesWhileDevicesAppearYieldsEveryDeviceExactlyOnce() {
        List<String> seen = new ArrayList<>();
        Map<String, Object> query = new HashMap<>(Map.of("limit", 2));
        ValidatableResponse page = get("/api/v1/last-runs", query).statusCode(200);
        seen.addAll(ids(page));
        // between pages: a new device before the cursor, one after it, and a newer run of a seen device
        store.write(List.of(extra("alpha", "n0", "d0", T0), extra("beta", "n9", "d9", T0),
                extra("alpha", "n1", "d1", T0.plusSeconds(999))));
        String cursor;
        while ((cursor = page.extract().path("nextCursor")) != null) {
            query.put("cursor", cursor);
            page = get("/api/v1/last-runs", query).statusCode(200);
            seen.addAll(ids(page));
        }
        assertThat(seen).containsExactly("alpha/r2", "alpha/r3", "alpha/r5", "beta/b1", "beta/n9", "gamma/g1");
    }

    @Test
    void aRunThatMovesDeviceIsListedOnceUnderItsNewDevice() {
        UnifiedRun g1 = run("gamma", "g1", "ip:10.0.0.1", "scene-1", T0.plusSeconds(10), RunStatus.FAILED);
        store.write(List.of(onDevice(g1, "uuid-1")));

        ValidatableResponse page = get("/api/v1/last-runs", Map.of()).statusCode(200);
        assertThat(ids(page)).containsExactly("alpha/r2", "alpha/r3", "alpha/r5", "beta/b1", "gamma/g1");
        assertThat(page.extract().jsonPath().getList("items.deviceId", String.class))
                .as("the device it left has no run, so no item").containsExactly("d1", "d2", "d3", "d1", "uuid-1");
    }

    @Test
    void theDeviceAMovedRunLeftShowsItsOwnRemainingLastRun() {
        UnifiedRun g1 = run("gamma", "g1", "ip:10.0.0.1", "scene-1", T0.plusSeconds(10), RunStatus.FAILED);
        store.write(List.of(run("gamma", "g0", "ip:10.0.0.1", "scene-1", T0, RunStatus.SUCCEEDED)));
        store.write(List.of(onDevice(g1, "uuid-1")));

        ValidatableResponse page = get("/api/v1/last-runs", Map.of("source", "gamma")).statusCode(200);
        assertThat(ids(page)).containsExactly("gamma/g0", "gamma/g1");
        assertThat(page.extract().jsonPath().getList("items.deviceId", String.class))
                .containsExactly("ip:10.0.0.1", "uuid-1");
    }

    @Test
    void pagesKeepTheirFilters() {
        ValidatableResponse first = get("/api/v1/last-runs", Map.of("vendor", "ESET", "limit", 3));
        assertThat(ids(first)).containsExactly("alpha/r2", "alpha/r3", "alpha/r5");
        String cursor = first.extract().path("nextCursor");
        ValidatableResponse second = get("/api/v1/last-runs", Map.of("vendor", "ESET", "limit", 3, "cursor", cursor));
        assertThat(ids(second)).containsExactly("beta/b1");
        second.body("nextCursor", nullValue());
    }
}
