package dev.taskruns.connector.eset.simulator;

import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static dev.taskruns.connector.eset.simulator.SimulatorApi.BASE;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.PASSWORD;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.USERNAME;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.accessToken;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.advance;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.authorized;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.faults;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.get;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.groundTruth;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.passwordGrant;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.refreshGrant;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.walk;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class EsetSimulatorTest {

    private static final String RFC3339_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3}|\\.\\d{6}|\\.\\d{9})?Z";

    @BeforeEach
    void reset() {
        SimulatorApi.resetWithoutRateLimit();
    }

    // --- token endpoint ---------------------------------------------------------------------

    @Test
    void tokenEndpointAcceptsOnlyFormEncodedBodies() {
        Response json = given().contentType(ContentType.JSON)
                .body("{\"grant_type\":\"password\",\"username\":\"" + USERNAME + "\",\"password\":\"" + PASSWORD + "\"}")
                .post(BASE + "/oauth/token");

        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(json.header("request-id")).isNotBlank();
    }

    @Test
    void passwordGrantAnswersABearerTokenPair() {
        Response token = passwordGrant(USERNAME, PASSWORD);

        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(token.header("request-id")).isNotBlank();
        JsonPath body = token.jsonPath();
        assertThat(body.getString("access_token")).isNotBlank();
        assertThat(body.getString("refresh_token")).isNotBlank().isNotEqualTo(body.getString("access_token"));
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getLong("expires_in")).isEqualTo(3600);
    }

    @Test
    void wrongPasswordOrUserIsRefused() {
        Response badPassword = passwordGrant(USERNAME, "not-the-password");
        Response badUser = passwordGrant("someone@example.com", PASSWORD);

        assertThat(badPassword.statusCode()).isEqualTo(400);
        assertThat(badPassword.jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(badPassword.jsonPath().getString("access_token")).isNull();
        assertThat(badUser.statusCode()).isEqualTo(400);
    }

    @Test
    void unsupportedOrMissingGrantTypeIsRefused() {
        Response clientCredentials = given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials").post(BASE + "/oauth/token");
        Response none = given().contentType(ContentType.URLENC).formParam("username", USERNAME).post(BASE + "/oauth/token");

        assertThat(clientCredentials.statusCode()).isEqualTo(400);
        assertThat(clientCredentials.jsonPath().getString("error")).isEqualTo("unsupported_grant_type");
        assertThat(none.statusCode()).isEqualTo(400);
    }

    @Test
    void refreshRotatesTheRefreshTokenAndRetiresTheOldOne() {
        JsonPath first = passwordGrant(USERNAME, PASSWORD).jsonPath();

        Response refreshed = refreshGrant(first.getString("refresh_token"));
        Response reused = refreshGrant(first.getString("refresh_token"));

        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonPath second = refreshed.jsonPath();
        assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
        assertThat(second.getString("access_token")).isNotEqualTo(first.getString("access_token"));
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(reused.jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(get(second.getString("access_token"), "/v1/device_tasks", Map.of()).statusCode()).isEqualTo(200);
        assertThat(refreshGrant(second.getString("refresh_token")).statusCode()).isEqualTo(200);
    }

    @Test
    void accessTokenExpiresWithTheSimulatedClock() {
        String token = accessToken();
        assertThat(get(token, "/v1/device_tasks", Map.of()).statusCode()).isEqualTo(200);

        advance(3599);
        assertThat(get(token, "/v1/device_tasks", Map.of()).statusCode()).isEqualTo(200);

        advance(1);
        Response expired = get(token, "/v1/device_tasks", Map.of());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.header("request-id")).isNotBlank();
        assertThat(expired.jsonPath().getInt("code")).isEqualTo(16);
    }

    @Test
    void missingOrUnknownBearerTokenIsUnauthorized() {
        Response missing = given().get(BASE + "/v1/device_tasks");
        Response unknown = get("not-a-token", "/v1/device_tasks", Map.of());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.jsonPath().getList("details")).isEmpty();
    }

    // --- listings and paging ----------------------------------------------------------------

    @Test
    void pageSizeDefaultsTo50AndNegativeIsInvalid() {
        String token = accessToken();

        Response unset = get(token, "/v1/device_tasks", Map.of());
        Response zero = get(token, "/v1/device_tasks", Map.of("pageSize", 0));
        Response negative = get(token, "/v1/device_tasks", Map.of("pageSize", -1));

        assertThat(unset.jsonPath().getList("tasks")).hasSize(50);
        assertThat(unset.jsonPath().getString("nextPageToken")).isNotEmpty();
        assertThat(zero.jsonPath().getList("tasks")).hasSize(50);
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.jsonPath().getInt("code")).isEqualTo(3);
    }

    @Test
    void pageSizeAbove1000IsCoercedTo1000() {
        given().queryParam("tasks", 1200).post(BASE + "/admin/reset").then().statusCode(200);
        faults("{\"rateLimitPerSecond\": 0}");
        String token = accessToken();

        Response page = get(token, "/v1/device_tasks", Map.of("pageSize", 5000));

        assertThat(page.jsonPath().getList("tasks")).hasSize(1000);
        assertThat(page.jsonPath().getString("nextPageToken")).isNotEmpty();
    }

    @Test
    void taskListingWalksEveryLiveTaskOnceAndHidesDeletedOnes() {
        JsonPath truth = groundTruth();
        List<String> live = truth.getList("tasks.findAll { !it.deleted }.uuid");

        List<Map<String, Object>> listed = walk(accessToken(), "/v1/device_tasks", "tasks", Map.of("pageSize", 13));

        assertThat(listed).extracting(t -> (String) t.get("uuid")).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(live);
        assertThat(truth.getList("tasks.findAll { it.deleted }")).isNotEmpty();
    }

    @Test
    void runListingsWalkEveryRunExactlyOnceIncludingRunsOfDeletedTasks() {
        JsonPath truth = groundTruth();
        String token = accessToken();
        List<String> taskUuids = truth.getList("tasks.uuid");

        List<String> listed = new ArrayList<>();
        for (String task : taskUuids) {
            // small pages so most tasks need several (they hold up to about a hundred runs)
            walk(token, "/v1/device_tasks/" + task + "/runs", "taskRuns", Map.of("pageSize", 20))
                    .forEach(run -> listed.add((String) run.get("uuid")));
        }

        List<String> expected = truth.getList("runs.uuid");
        assertThat(expected).hasSizeGreaterThan(1000);
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void pagingWhileTimePassesNeitherSkipsNorRepeatsRuns() {
        JsonPath truth = groundTruth();
        List<Map<String, Object>> runs = truth.getList("runs");
        String task = runs.stream().collect(Collectors.groupingBy(r -> (String) r.get("taskUuid"), Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 10).map(Map.Entry::getKey).findFirst().orElseThrow();
        List<Object> before = runs.stream().filter(r -> r.get("taskUuid").equals(task)).map(r -> r.get("uuid")).toList();

        List<Object> listed = new ArrayList<>();
        String pageToken = "";
        do {
            // two simulated hours per page outlive any access token: log in again each time
            JsonPath page = get(accessToken(), "/v1/device_tasks/" + task + "/runs", Map.of("pageSize", 3, "pageToken", pageToken))
                    .then().statusCode(200).extract().jsonPath();
            listed.addAll(page.getList("taskRuns.uuid"));
            pageToken = page.getString("nextPageToken");
            advance(2 * 3600);
        } while (!pageToken.isEmpty());

        assertThat(listed).doesNotHaveDuplicates().containsAll(before);
    }

    @Test
    void runsOfADeletedTaskAreStillListed() {
        JsonPath truth = groundTruth();
        List<String> deleted = truth.getList("tasks.findAll { it.deleted }.uuid");
        String task = deleted.stream().filter(t -> !truth.getList("runs.findAll { it.taskUuid == '" + t + "' }").isEmpty())
                .findFirst().orElseThrow();
        String token = accessToken();

        List<Map<String, Object>> runs = walk(token, "/v1/device_tasks/" + task + "/runs", "taskRuns", Map.of());
        List<Map<String, Object>> tasks = walk(token, "/v1/device_tasks", "tasks", Map.of("pageSize", 1000));

        assertThat(runs).isNotEmpty().allSatisfy(run -> assertThat(run.get("taskUuid")).isEqualTo(task));
        assertThat(tasks).extracting(t -> t.get("uuid")).doesNotContain(task);
    }

    @Test
    void unknownTaskIsNotFoundWithAnRpcStatus() {
        Response missing = get(accessToken(), "/v1/device_tasks/3f1c1d3e-0000-4000-8000-000000000000/runs", Map.of());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.header("request-id")).isNotBlank();
        assertThat(missing.jsonPath().getInt("code")).isEqualTo(5);
        assertThat(missing.jsonPath().getString("message")).isNotBlank();
        assertThat(missing.jsonPath().getList("details")).isEmpty();
    }

    @Test
    void pageTokensAreOpaqueAndBoundToTheirListing() {
        String token = accessToken();
        JsonPath truth = groundTruth();
        List<String> tasks = truth.getList("tasks.uuid");
        String next = get(token, "/v1/device_tasks", Map.of("pageSize", 10)).jsonPath().getString("nextPageToken");

        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("10.".getBytes(StandardCharsets.UTF_8));
        Response forgedPage = get(token, "/v1/device_tasks", Map.of("pageSize", 10, "pageToken", forged));
        Response elsewhere = get(token, "/v1/device_tasks/" + tasks.get(0) + "/runs", Map.of("pageToken", next));
        Response garbage = get(token, "/v1/device_tasks", Map.of("pageToken", "%%%"));

        assertThat(next).doesNotContain("10");
        assertThat(forgedPage.statusCode()).isEqualTo(400);
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(get(token, "/v1/device_tasks", Map.of("pageSize", 10, "pageToken", next)).statusCode()).isEqualTo(200);
    }

    @Test
    void deviceFilterAndLastRunsOnly() {
        JsonPath truth = groundTruth();
        List<Map<String, Object>> runs = truth.getList("runs");
        Map<String, List<Map<String, Object>>> byTaskAndDevice = runs.stream()
                .collect(Collectors.groupingBy(r -> r.get("taskUuid") + "/" + r.get("deviceUuid")));
        List<Map<String, Object>> repeated = byTaskAndDevice.values().stream().filter(l -> l.size() > 1)
                .findFirst().orElseThrow();
        String task = (String) repeated.get(0).get("taskUuid");
        String device = (String) repeated.get(0).get("deviceUuid");
        String token = accessToken();

        List<Map<String, Object>> ofDevice = walk(token, "/v1/device_tasks/" + task + "/runs", "taskRuns",
                Map.of("deviceUuid", device, "pageSize", 1));
        List<Map<String, Object>> last = walk(token, "/v1/device_tasks/" + task + "/runs", "taskRuns",
                Map.of("listOnlyLastRuns", true));

        assertThat(ofDevice).extracting(r -> r.get("uuid"))
                .containsExactlyInAnyOrderElementsOf(repeated.stream().map(r -> r.get("uuid")).toList());
        assertThat(ofDevice).extracting(r -> r.get("startTime")).doesNotHaveDuplicates();
        long devicesOfTask = runs.stream().filter(r -> r.get("taskUuid").equals(task)).map(r -> r.get("deviceUuid"))
                .distinct().count();
        assertThat(last).hasSize((int) devicesOfTask).extracting(r -> r.get("deviceUuid")).doesNotHaveDuplicates();
        Map<String, Object> latest = repeated.stream()
                .max(Comparator.comparing((Map<String, Object> r) -> java.time.Instant.parse((String) r.get("startTime"))))
                .orElseThrow();
        assertThat(last).extracting(r -> r.get("uuid")).contains(latest.get("uuid"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsCarryTheVendorFields() {
        JsonPath truth = groundTruth();
        List<Map<String, Object>> runs = truth.getList("runs");
        Map<String, Object> failed = runs.stream().filter(r -> "TASK_RUN_STATUS_FAILED".equals(r.get("status")))
                .findFirst().orElseThrow();
        String token = accessToken();

        List<Map<String, Object>> listed = walk(token, "/v1/device_tasks/" + failed.get("taskUuid") + "/runs",
                "taskRuns", Map.of());
        Map<String, Object> run = listed.stream().filter(r -> r.get("uuid").equals(failed.get("uuid"))).findFirst().orElseThrow();

        assertThat(run).containsEntry("status", "TASK_RUN_STATUS_FAILED").containsKeys("startTime", "endTime", "result");
        assertThat((Map<String, Object>) run.get("result")).containsKey("@type");
        assertThat(runs).extracting(r -> (String) r.get("startTime")).allMatch(t -> t.matches(RFC3339_UTC))
                .anyMatch(t -> t.matches(".*\\.\\d{6}Z")).anyMatch(t -> t.matches(".*\\.\\d{9}Z"));
        assertThat(runs).filteredOn(r -> List.of("TASK_RUN_STATUS_QUEUED", "TASK_RUN_STATUS_RUNNING",
                "TASK_RUN_STATUS_SUPPRESSED").contains(r.get("status"))).allMatch(r -> r.get("endTime") == null);
        assertThat(runs).extracting(r -> r.get("status")).contains("TASK_RUN_STATUS_FINISHED",
                "TASK_RUN_STATUS_FAILED", "TASK_RUN_STATUS_SUPPRESSED", "TASK_RUN_STATUS_RUNNING");
    }

    @Test
    void runsMoveOnAndNewRunsAppearAsTheClockAdvances() {
        JsonPath before = groundTruth();
        List<Map<String, Object>> unfinished = before.<Map<String, Object>>getList("runs").stream()
                .filter(r -> List.of("TASK_RUN_STATUS_QUEUED", "TASK_RUN_STATUS_RUNNING").contains(r.get("status")))
                .toList();
        assertThat(unfinished).isNotEmpty();

        advance(24 * 3600);
        JsonPath after = groundTruth();
        Map<String, Map<String, Object>> now = after.<Map<String, Object>>getList("runs").stream()
                .collect(Collectors.toMap(r -> (String) r.get("uuid"), r -> r));

        assertThat(unfinished).allSatisfy(r -> {
            Map<String, Object> moved = now.get((String) r.get("uuid"));
            assertThat(moved.get("status")).isIn("TASK_RUN_STATUS_FINISHED", "TASK_RUN_STATUS_FAILED",
                    "TASK_RUN_STATUS_SUPPRESSED");
            assertThat(moved.get("startTime")).isEqualTo(r.get("startTime"));
        });
        assertThat(now.size()).isGreaterThan(before.getList("runs").size());
    }

    @Test
    void adminStartsARunNowThatFollowsTheClock() {
        String token = accessToken();
        String task = groundTruth().getString("runs[0].taskUuid");
        String device = groundTruth().getString("runs[0].deviceUuid");
        String clock = given().get(BASE + "/admin/clock").then().extract().path("now");

        JsonPath started = given().queryParam("device", device).queryParam("runningSeconds", 60).queryParam("outcome", "FAILED")
                .post(BASE + "/admin/tasks/" + task + "/runs").then().statusCode(200).extract().jsonPath();

        assertThat(started.getString("status")).isEqualTo("TASK_RUN_STATUS_RUNNING");
        assertThat(started.getString("startTime")).isEqualTo(clock);
        Map<String, Object> query = Map.of("deviceUuid", device, "listOnlyLastRuns", true);
        assertThat(walk(token, "/v1/device_tasks/" + task + "/runs", "taskRuns", query))
                .singleElement().satisfies(run -> {
                    assertThat(run.get("uuid")).isEqualTo(started.getString("uuid"));
                    assertThat(run.get("status")).isEqualTo("TASK_RUN_STATUS_RUNNING");
                });
        advance(60);
        assertThat(walk(token, "/v1/device_tasks/" + task + "/runs", "taskRuns", query))
                .singleElement().satisfies(run -> {
                    assertThat(run.get("status")).isEqualTo("TASK_RUN_STATUS_FAILED");
                    assertThat(run.get("endTime")).isEqualTo(started.getString("endTime"));
                });
        assertThat(groundTruth().<String>getList("runs.uuid")).contains(started.getString("uuid"));
    }

    @Test
    void adminStartRunRefusesUnknownTasksDevicesAndOutcomes() {
        String task = groundTruth().getString("runs[0].taskUuid");
        given().post(BASE + "/admin/tasks/no-such-task/runs").then().statusCode(404);
        given().queryParam("device", "no-such-device").post(BASE + "/admin/tasks/" + task + "/runs").then().statusCode(400);
        given().queryParam("outcome", "RUNNING").post(BASE + "/admin/tasks/" + task + "/runs").then().statusCode(400);
        given().queryParam("runningSeconds", -1).post(BASE + "/admin/tasks/" + task + "/runs").then().statusCode(400);
    }

    @Test
    void activeSeedingLeavesEveryTaskListedAndAbleToChange() {
        given().queryParam("tasks", 100).queryParam("active", true).post(BASE + "/admin/reset").then().statusCode(200);
        faults("{\"rateLimitPerSecond\": 0}");
        JsonPath truth = groundTruth();
        Instant now = Instant.parse(truth.getString("now"));
        Map<String, Instant> lastStart = new HashMap<>();
        truth.<Map<String, Object>>getList("runs").forEach(r -> lastStart.merge((String) r.get("taskUuid"),
                Instant.parse((String) r.get("startTime")), (a, b) -> a.isAfter(b) ? a : b));

        assertThat(truth.<Boolean>getList("tasks.deleted")).hasSize(100).containsOnly(false);
        // what keeps a client reading a task every cycle: its manual trigger can still fire, or it ran within a day
        assertThat(walk(accessToken(), "/v1/device_tasks", "tasks", Map.of("pageSize", 1000))).hasSize(100).allSatisfy(task -> {
            String uuid = (String) task.get("uuid");
            Map<?, ?> trigger = (Map<?, ?>) ((List<?>) task.get("triggers")).getFirst();
            boolean triggerLive = Instant.parse((String) ((Map<?, ?>) trigger.get("manual")).get("expireTime")).isAfter(now);
            boolean ranToday = lastStart.containsKey(uuid) && lastStart.get(uuid).isAfter(now.minus(Duration.ofDays(1)));
            assertThat(triggerLive || ranToday).as("task %s", uuid).isTrue();
        });
    }

    @Test
    void seedingIsDeterministic() {
        List<String> first = groundTruth().getList("runs.uuid");
        SimulatorApi.resetWithoutRateLimit();
        List<String> second = groundTruth().getList("runs.uuid");
        given().queryParam("seed", 7).post(BASE + "/admin/reset").then().statusCode(200);
        List<String> other = groundTruth().getList("runs.uuid");

        assertThat(second).isEqualTo(first);
        assertThat(other).doesNotContainAnyElementsOf(first);
    }

    // --- devices ----------------------------------------------------------------------------

    @Test
    void batchGetNamesKnownDevicesAllOrNothing() {
        List<Map<String, Object>> devices = groundTruth().getList("devices");
        String token = accessToken();
        String a = (String) devices.get(0).get("uuid");
        String b = (String) devices.get(1).get("uuid");

        // RestAssured would send the colon as %3A
        Response found = authorized(token).urlEncodingEnabled(false).queryParam("devicesUuids", a, b)
                .get(BASE + "/v1/devices:batchGet");
        Response partlyUnknown = authorized(token).urlEncodingEnabled(false)
                .queryParam("devicesUuids", a, "00000000-0000-4000-8000-000000000000").get(BASE + "/v1/devices:batchGet");
        Response empty = authorized(token).urlEncodingEnabled(false).get(BASE + "/v1/devices:batchGet");

        assertThat(found.statusCode()).as(found.body().asString()).isEqualTo(200);
        assertThat(found.jsonPath().getList("devices.uuid")).containsExactly(a, b);
        assertThat(found.jsonPath().getList("devices.displayName"))
                .containsExactly(devices.get(0).get("displayName"), devices.get(1).get("displayName"));
        assertThat(partlyUnknown.statusCode()).isEqualTo(404);
        assertThat(empty.statusCode()).isEqualTo(400);
    }

    // --- 202 / response-id ------------------------------------------------------------------

    @Test
    void deferredAnswerIsCollectedOnceWithItsResponseId() {
        String token = accessToken();
        Map<String, Object> query = Map.of("pageSize", 5);
        JsonPath direct = get(token, "/v1/device_tasks", query).jsonPath();
        faults("{\"deferred\": {\"next\": 1}, \"deferredPolls\": 1}");

        Response first = get(token, "/v1/device_tasks", query);
        String id = first.header("response-id");
        Response stillPending = authorized(token).header("response-id", id).queryParams(query).get(BASE + "/v1/device_tasks");
        Response ready = authorized(accessToken()).header("response-id", id).queryParams(query).get(BASE + "/v1/device_tasks");
        Response collected = authorized(token).header("response-id", id).queryParams(query).get(BASE + "/v1/device_tasks");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.header("request-id")).isNotBlank();
        assertThat(id).isNotBlank();
        assertThat(first.body().asString()).isEmpty();
        assertThat(stillPending.statusCode()).isEqualTo(202);
        assertThat(stillPending.header("response-id")).isEqualTo(id);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.jsonPath().getList("tasks.uuid")).isEqualTo(direct.getList("tasks.uuid"));
        assertThat(collected.statusCode()).isEqualTo(404);
        assertThat(collected.header("request-id")).isNotBlank();
    }

    @Test
    void responseIdOfAnotherRequestIsNotFound() {
        String token = accessToken();
        faults("{\"deferred\": {\"next\": 1}, \"deferredPolls\": 0}");
        String id = get(token, "/v1/device_tasks", Map.of("pageSize", 5)).header("response-id");

        Response other = authorized(token).header("response-id", id).queryParam("pageSize", 6).get(BASE + "/v1/device_tasks");
        Response own = authorized(token).header("response-id", id).queryParam("pageSize", 5).get(BASE + "/v1/device_tasks");

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.jsonPath().getList("tasks")).hasSize(5);
    }

    @Test
    void uncollectedAnswerIsDroppedAfterTenMinutes() {
        String token = accessToken();
        faults("{\"deferred\": {\"next\": 2}, \"deferredPolls\": 0}");
        String kept = get(token, "/v1/device_tasks", Map.of()).header("response-id");
        String dropped = get(token, "/v1/device_tasks", Map.of("pageSize", 3)).header("response-id");

        advance(599);
        Response inTime = authorized(token).header("response-id", kept).get(BASE + "/v1/device_tasks");
        advance(1);
        Response late = authorized(token).header("response-id", dropped).queryParam("pageSize", 3).get(BASE + "/v1/device_tasks");

        assertThat(inTime.statusCode()).isEqualTo(200);
        assertThat(late.statusCode()).isEqualTo(404);
    }

    // --- faults and rate limit --------------------------------------------------------------

    @Test
    void nextServerErrorsCycleThrough500And502And503() {
        String token = accessToken();
        faults("{\"serverError\": {\"next\": 3}}");

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Response r = get(token, "/v1/device_tasks", Map.of());
            assertThat(r.header("request-id")).isNotBlank();
            statuses.add(r.statusCode());
        }

        assertThat(statuses).containsExactly(500, 502, 503, 200);
    }

    @Test
    void timeoutThrottleAndSlowFaults() {
        String token = accessToken();

        faults("{\"timeout\": {\"next\": 1}}");
        Response timeout = get(token, "/v1/device_tasks", Map.of());
        faults("{\"throttle\": {\"next\": 1}}");
        Response throttled = get(token, "/v1/device_tasks", Map.of());
        faults("{\"slow\": {\"next\": 1}, \"slowDelayMillis\": 20}");
        Response slow = get(token, "/v1/device_tasks", Map.of());

        assertThat(timeout.statusCode()).isEqualTo(504);
        assertThat(timeout.jsonPath().getInt("code")).isEqualTo(4);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(slow.statusCode()).isEqualTo(200);
        JsonPath settings = given().get(BASE + "/admin/faults").then().statusCode(200).extract().jsonPath();
        assertThat(settings.getInt("slow.next")).isZero();
        assertThat(settings.getInt("timeout.next")).isZero();
        assertThat(settings.getLong("slowDelayMillis")).isEqualTo(20);
    }

    @Test
    void probabilityOneFailsEveryCallUntilSwitchedOff() {
        String token = accessToken();
        faults("{\"serverError\": {\"probability\": 1.0}}");
        assertThat(get(token, "/v1/device_tasks", Map.of()).statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(get(token, "/v1/device_tasks", Map.of()).statusCode()).isGreaterThanOrEqualTo(500);

        faults("{\"serverError\": {\"probability\": 0}}");
        assertThat(get(token, "/v1/device_tasks", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void invalidFaultSettingsAreRefusedAndChangeNothing() {
        given().contentType(ContentType.JSON).body("{\"serverError\": {\"probability\": 2}, \"rateLimitPerSecond\": 3}")
                .post(BASE + "/admin/faults").then().statusCode(400);

        JsonPath settings = given().get(BASE + "/admin/faults").then().statusCode(200).extract().jsonPath();
        assertThat(settings.getDouble("serverError.probability")).isZero();
        assertThat(settings.getInt("rateLimitPerSecond")).isZero();
    }

    @Test
    void moreThanTenCallsPerSecondAreThrottled() throws Exception {
        faults("{\"rateLimitPerSecond\": 10}");
        String token = accessToken();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Response>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                calls.add(pool.submit(() -> get(token, "/v1/device_tasks", Map.of("pageSize", 1))));
            }
            Map<Integer, Integer> statuses = new HashMap<>();
            List<Response> throttled = new ArrayList<>();
            for (Future<Response> call : calls) {
                Response r = call.get();
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 429) {
                    throttled.add(r);
                }
            }

            assertThat(statuses.keySet()).containsOnly(200, 429);
            assertThat(statuses.get(200)).isGreaterThanOrEqualTo(10);
            assertThat(throttled).isNotEmpty().allSatisfy(r -> {
                assertThat(r.jsonPath().getInt("code")).isEqualTo(8);
                assertThat(r.header("request-id")).isNotBlank();
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyAnswerCarriesARequestId() {
        Response unknownPath = given().get(BASE + "/v1/nothing-here");
        Response clock = given().get(BASE + "/admin/clock");

        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(unknownPath.header("request-id")).isNotBlank();
        assertThat(clock.header("request-id")).isNotBlank();
    }

    // --- admin --------------------------------------------------------------------------------

    @Test
    void vendorCallsAreCountedByStatusTokenCallsIncludedUntilTheNextReset() {
        String token = accessToken();
        get(token, "/v1/device_tasks", Map.of()).then().statusCode(200);
        get("not-a-token", "/v1/device_tasks", Map.of()).then().statusCode(401);
        groundTruth(); // the admin API is not the vendor's

        JsonPath calls = given().get(BASE + "/admin/calls").then().statusCode(200).extract().jsonPath();
        SimulatorApi.resetWithoutRateLimit();

        assertThat(calls.getLong("total")).isEqualTo(3);
        assertThat(calls.getLong("byOutcome.'200'")).isEqualTo(2);
        assertThat(calls.getLong("byOutcome.'401'")).isEqualTo(1);
        assertThat(SimulatorApi.ADMIN.calls()).isZero();
    }
}
