package dev.taskruns.api;

import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static dev.taskruns.api.FacadeFixture.get;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/** Every kind of bad caller input is a 400 problem naming the parameter; never a 500. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class BadInputTest {

    @ParameterizedTest(name = "{0}={1} on {2}")
    @CsvSource({
            "status, DONE, /api/v1/last-runs",
            "status, failed, /api/v1/runs",
            "limit, 0, /api/v1/last-runs",
            "limit, 1001, /api/v1/runs",
            "limit, ten, /api/v1/devices/d1/runs",
            "startedAfter, 2026-13-01T00:00:00Z, /api/v1/last-runs",
            "startedBefore, yesterday, /api/v1/runs",
            "startedAfter, 2026-11-01T08:00:00, /api/v1/runs",
            "startedAfter, +300000-01-01T00:00:00Z, /api/v1/last-runs",
            "startedBefore, -5000-01-01T00:00:00Z, /api/v1/runs",
            "source, nosuchsource, /api/v1/last-runs",
            "source, nosuchsource, /api/v1/devices/d1/last-run",
            "vendor, CROWDSTRIKE, /api/v1/runs",
            "cursor, not-a-cursor!, /api/v1/last-runs",
            "cursor, dGhpcyBpcyBub3QgYSBjdXJzb3I, /api/v1/runs",
    })
    void aBadParameterIsNamed(String parameter, String value, String path) {
        problem(get(path, Map.of(parameter, value)), parameter);
    }

    @Test
    void everyBadParameterIsReportedAtOnce() {
        get("/api/v1/runs", Map.of("status", "DONE", "limit", "-1", "startedAfter", "soon")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.parameter", hasItems("status", "limit", "startedAfter"));
    }

    @Test
    void aCursorOfAnotherEndpointOrOtherFiltersIsRefused() {
        String runsCursor = get("/api/v1/runs", Map.of("limit", 1)).extract().path("nextCursor");
        if (runsCursor == null) {
            // an empty store has no second page: forge a well-formed cursor of another endpoint instead
            runsCursor = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    "v1|runs|0000000000000000|2026-11-01T08%3A00%3A00Z|r1|alpha".getBytes(StandardCharsets.UTF_8));
        }
        problem(get("/api/v1/last-runs", Map.of("cursor", runsCursor)), "cursor")
                .body("errors[0].message", containsString("different"));
        String lastRunsCursor = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "v1|last-runs|0000000000000000|alpha|d1".getBytes(StandardCharsets.UTF_8));
        problem(get("/api/v1/last-runs", Map.of("cursor", lastRunsCursor, "status", "FAILED")), "cursor");
    }

    @Test
    void nulCharactersAreRefusedNotPassedToTheDatabase() {
        problem(get("/api/v1/runs", Map.of("deviceId", "d\u00001")), "deviceId");
        problem(get("/api/v1/last-runs", Map.of("taskId", "t\u0000")), "taskId");
        problem(io.restassured.RestAssured.given().urlEncodingEnabled(false).get("/api/v1/devices/d%001/runs").then(),
                "deviceId");
    }

    @Test
    void startedAfterMustNotFollowStartedBefore() {
        problem(get("/api/v1/runs", Map.of("startedAfter", "2026-11-02T00:00:00Z", "startedBefore", "2026-11-01T00:00:00Z")),
                "startedBefore");
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() {
        get("/api/v1/nothing-here", Map.of()).statusCode(404).contentType("application/problem+json");
        io.restassured.RestAssured.given().delete("/api/v1/runs").then().statusCode(405)
                .contentType("application/problem+json");
    }

    private static ValidatableResponse problem(ValidatableResponse response, String parameter) {
        return response.statusCode(400)
                .contentType("application/problem+json")
                .body("type", startsWith("urn:taskruns:problem:"))
                .body("title", equalTo("Invalid request parameters"))
                .body("status", equalTo(400))
                .body("detail", containsString(parameter))
                .body("errors[0].parameter", equalTo(parameter));
    }
}
