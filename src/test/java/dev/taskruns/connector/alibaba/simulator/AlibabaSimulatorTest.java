package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.connector.alibaba.AcsSigner.AccessKey;
import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.BASE;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.KEY;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.advance;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.call;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.describe;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.faults;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.groundTruth;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.walk;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class AlibabaSimulatorTest {

    /** Back to an unmoved clock: the service's test clock never runs behind the simulator's. */
    @AfterEach
    void resetClock() {
        AlibabaSimulatorApi.resetWithoutRateLimit();
    }

    @BeforeEach
    void reset() {
        AlibabaSimulatorApi.resetWithoutRateLimit();
    }

    // --- signing ----------------------------------------------------------------------------

    @Test
    void aCorrectlySignedRequestIsAnswered() {
        Response answer = describe(Map.of());

        assertThat(answer.statusCode()).as(answer.body().asString()).isEqualTo(200);
        JsonPath body = answer.jsonPath();
        assertThat(body.getString("RequestId")).isNotBlank().isEqualTo(answer.header("x-acs-request-id"));
        assertThat(body.getInt("Page.PageNumber")).isEqualTo(1);
        assertThat(body.getInt("Page.PageSize")).isEqualTo(20);
        assertThat(body.getInt("Page.TotalCount")).isEqualTo(groundTruth().getList("tasks").size());
        assertThat(body.getList("ProcessTasks")).hasSize(20);
    }

    @Test
    void getIsAcceptedToo() {
        AlibabaSimulatorApi.Call get = call().param("PageSize", 5);
        get.method = "GET";

        assertThat(get.send().statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongSignatureOrSecretDoesNotMatchAndTheMessageShowsTheStringToSignButNoSecret() {
        AlibabaSimulatorApi.Call tampered = call();
        tampered.signature = "0".repeat(64);
        AlibabaSimulatorApi.Call wrongSecret = call();
        wrongSecret.key = new AccessKey(KEY.id(), "not-the-secret");

        Response wrong = tampered.send();
        Response secret = wrongSecret.send();

        assertError(wrong, 400, "SignatureDoesNotMatch");
        assertThat(wrong.jsonPath().getString("Message")).contains("ACS3-HMAC-SHA256\n").doesNotContain(KEY.secret());
        assertError(secret, 400, "SignatureDoesNotMatch");
    }

    @Test
    void unsignedHostOrXAcsHeaderOrNoAuthorizationIsAnIncompleteSignature() {
        AlibabaSimulatorApi.Call hostUnsigned = call();
        hostUnsigned.signHost = false;
        AlibabaSimulatorApi.Call acsUnsigned = call();
        acsUnsigned.unsignedHeaders.put("x-acs-extra", "1");

        assertError(hostUnsigned.send(), 400, "IncompleteSignature");
        assertError(acsUnsigned.send(), 400, "IncompleteSignature");
        assertError(given().queryParam("PageSize", 5).post(BASE + "/"), 400, "IncompleteSignature");
        assertError(given().header("Authorization", "Bearer x").post(BASE + "/"), 400, "IncompleteSignature");
    }

    @Test
    void missingRequiredHeadersAreMissingParameters() {
        assertError(call().nonce(null).send(), 400, "MissingParameter");
        assertError(call().header("x-acs-date", null).send(), 400, "MissingParameter");
        assertError(call().header("x-acs-content-sha256", null).send(), 400, "MissingParameter");
    }

    @Test
    void theDateMustBeWithinFifteenMinutesOfRealTime() {
        assertError(call().date(Instant.now().minus(Duration.ofMinutes(16))).send(), 400, "InvalidTimeStamp.Expired");
        assertError(call().date(Instant.now().plus(Duration.ofMinutes(16))).send(), 400, "InvalidTimeStamp.Expired");
        assertError(call().header("x-acs-date", "yesterday").send(), 400, "InvalidTimeStamp.Format");
        assertThat(call().date(Instant.now().minus(Duration.ofMinutes(14))).send().statusCode()).isEqualTo(200);
    }

    @Test
    void advancingTheSimulatedClockDoesNotExpireSignatures() {
        advance(3600);

        assertThat(describe(Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aNonceIsUsedOnce() {
        assertThat(call().nonce("nonce-1").send().statusCode()).isEqualTo(200);

        assertError(call().nonce("nonce-1").send(), 400, "SignatureNonceUsed");
        assertThat(call().nonce("nonce-2").send().statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownAccessKeyIsNotFound() {
        AlibabaSimulatorApi.Call unknown = call();
        unknown.key = new AccessKey("someone-else", KEY.secret());

        assertError(unknown.send(), 404, "InvalidAccessKeyId.NotFound");
    }

    @Test
    void theBodyHashMustMatchTheBody() {
        assertError(call().header("x-acs-content-sha256", "ab".repeat(32)).send(), 400, "ContentSHA256NotMatched");
    }

    @Test
    void unknownActionOrVersionIsRefusedAfterTheSignature() {
        assertError(call().header("x-acs-action", "DescribeEnumItems").send(), 404, "InvalidAction.NotFound");
        assertError(call().header("x-acs-version", "2021-01-01").send(), 400, "InvalidVersion");
    }

    // --- listing ----------------------------------------------------------------------------

    @Test
    void pagesCoverTheGroundTruthExactlyOnceAndPageSizeIsCappedAt100() {
        List<Map<String, Object>> truth = groundTruth().getList("tasks");

        List<Map<String, Object>> listed = walk(Map.of(), 100);
        Response capped = describe(Map.of("PageSize", 500, "PageNumber", 2));

        assertThat(truth).hasSize(2000);
        assertThat(listed).isEqualTo(truth);
        assertThat(capped.jsonPath().getInt("Page.PageSize")).isEqualTo(100);
        assertThat(capped.jsonPath().getInt("Page.PageNumber")).isEqualTo(2);
        assertThat(capped.jsonPath().getInt("Page.TotalCount")).isEqualTo(truth.size());
        assertThat(capped.jsonPath().getList("ProcessTasks")).isEqualTo(truth.subList(100, 200));
        assertThat(describe(Map.of("PageSize", 20, "PageNumber", 1000)).jsonPath().getList("ProcessTasks")).isEmpty();
    }

    @Test
    void tasksLookLikeTheVendorsAndDefaultToGmtModifiedDescending() {
        List<Map<String, Object>> truth = groundTruth().getList("tasks");

        assertThat(truth).allSatisfy(t -> {
            assertThat((String) t.get("TaskId")).matches("150\\d{14}");
            assertThat(t).containsKeys("Creator", "GmtCreateMillis", "GmtModifiedMillis", "YunCode", "EntityName",
                    "EntityType", "TaskStatus", "Scope", "InputParams", "SceneCode", "SceneName", "Source",
                    "TriggerSource", "ReqUuid");
            assertThat(List.of("WAF", "CFW", "Aegis")).contains((String) t.get("YunCode"));
        });
        assertThat(truth.stream().map(t -> t.get("TaskId")).distinct()).hasSize(truth.size());
        assertThat(truth).anySatisfy(t -> assertThat(t).doesNotContainKey("ProcessTime"));
        assertThat(truth).anySatisfy(t -> assertThat(t).containsEntry("EntityType", "ip").doesNotContainKey("EntityUuid"));
        assertThat(truth).anySatisfy(t -> assertThat(t).containsEntry("EntityType", "ip").containsEntry("EntityUuid", ""));
        assertThat(truth).anySatisfy(t -> assertThat((String) t.get("EntityUuid")).endsWith("\n"));
        assertThat(truth).anySatisfy(t -> assertThat(t).containsEntry("TaskStatus", 90).containsKeys("ErrCode", "ErrMsg", "ErrTip"));
        List<Long> modified = truth.stream().map(t -> ((Number) t.get("GmtModifiedMillis")).longValue()).toList();
        assertThat(modified).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        long now = groundTruth().getLong("nowMillis");
        assertThat(truth).anySatisfy(t -> { // blocked or isolated for weeks
            assertThat((Integer) t.get("TaskStatus")).isIn(21, 22);
            assertThat(now - ((Number) t.get("GmtCreateMillis")).longValue()).isGreaterThan(Duration.ofDays(14).toMillis());
        });
        List<Map<String, Object>> byCreateAsc = walk(Map.of("OrderField", "gmtCreate", "Direction", "asc"), 100);
        assertThat(byCreateAsc.stream().map(t -> ((Number) t.get("GmtCreateMillis")).longValue()).toList()).isSorted();
    }

    @Test
    void timeWindowsAreInclusiveOnProcessTimeElseCreation() {
        List<Map<String, Object>> truth = groundTruth().getList("tasks");
        Map<String, Object> delivered = truth.stream().filter(t -> t.containsKey("ProcessTime")).findFirst().orElseThrow();
        Map<String, Object> undelivered = truth.stream().filter(t -> !t.containsKey("ProcessTime")).findFirst().orElseThrow();
        long at = ((Number) delivered.get("ProcessTime")).longValue();
        long created = ((Number) undelivered.get("GmtCreateMillis")).longValue();

        List<Map<String, Object>> exact = walk(Map.of("ProcessActionStart", at, "ProcessActionEnd", at), 100);
        List<Map<String, Object>> byCreation = walk(Map.of("ProcessActionStart", created, "ProcessActionEnd", created), 100);
        long from = at - Duration.ofDays(3).toMillis();
        List<Map<String, Object>> window = walk(Map.of("ProcessActionStart", from, "ProcessActionEnd", at), 100);

        assertThat(exact).extracting(t -> t.get("TaskId")).contains(delivered.get("TaskId"));
        assertThat(byCreation).extracting(t -> t.get("TaskId")).contains(undelivered.get("TaskId"));
        assertThat(window).hasSize((int) truth.stream().filter(t -> {
            long action = ((Number) t.getOrDefault("ProcessTime", t.get("GmtCreateMillis"))).longValue();
            return action >= from && action <= at;
        }).count());
    }

    @Test
    void removeWindowsAreInclusiveAndLeaveOutTasksNeverReleased() {
        List<Map<String, Object>> truth = groundTruth().getList("tasks");
        List<Map<String, Object>> released = truth.stream().filter(t -> t.containsKey("RemoveTime")).toList();
        long at = ((Number) released.getFirst().get("RemoveTime")).longValue();

        List<Map<String, Object>> any = walk(Map.of("ProcessRemoveStart", 0), 100);
        List<Map<String, Object>> exact = walk(Map.of("ProcessRemoveStart", at, "ProcessRemoveEnd", at), 100);

        assertThat(released).isNotEmpty();
        assertThat(any).hasSameSizeAs(released).allSatisfy(t -> assertThat((Integer) t.get("TaskStatus")).isIn(23, 91, 92));
        assertThat(exact).extracting(t -> t.get("TaskId")).contains(released.getFirst().get("TaskId"));
        assertThat(exact).allSatisfy(t -> assertThat(((Number) t.get("RemoveTime")).longValue()).isEqualTo(at));
    }

    @Test
    void taskStatusTaskIdAndEntityFiltersSelectExactly() {
        List<Map<String, Object>> truth = groundTruth().getList("tasks");
        Map<String, Object> one = truth.get(17);
        Map<String, Object> file = truth.stream().filter(t -> "file".equals(t.get("EntityType"))).findFirst().orElseThrow();

        List<Map<String, Object>> blocking = walk(Map.of("TaskStatus", "[\"21\",\"22\"]"), 100);
        Response byId = describe(Map.of("TaskId", one.get("TaskId")));
        List<Map<String, Object>> byUuid = walk(Map.of("EntityUuid", file.get("EntityUuid"), "EntityType", "file"), 100);

        assertThat(blocking).isNotEmpty().hasSize((int) truth.stream().filter(t -> Set.of(21, 22).contains(t.get("TaskStatus"))).count());
        assertThat(byId.jsonPath().getList("ProcessTasks")).containsExactly(one);
        assertThat(byUuid).isNotEmpty().allSatisfy(t -> assertThat(t).containsEntry("EntityUuid", file.get("EntityUuid")));
    }

    @Test
    void malformedParametersAreInvalid() {
        assertError(describe(Map.of("TaskStatus", "11,21")), 400, "InvalidParameter");
        assertError(describe(Map.of("TaskStatus", "[[1]]")), 400, "InvalidParameter");
        assertError(describe(Map.of("PageSize", "ten")), 400, "InvalidParameter");
        assertError(describe(Map.of("PageNumber", "0")), 400, "InvalidParameter");
        assertError(describe(Map.of("ProcessActionStart", "2024-01-01")), 400, "InvalidParameter");
        assertError(describe(Map.of("OrderField", "taskId")), 400, "InvalidParameter");
    }

    // --- a living account -------------------------------------------------------------------

    @Test
    void tasksArrivingWhilePagingChangeTheTotalCount() {
        int before = describe(Map.of("PageSize", 50)).jsonPath().getInt("Page.TotalCount");
        faults("{\"arrivals\": 3}");

        Response page2 = describe(Map.of("PageSize", 50, "PageNumber", 2));
        Response page3 = describe(Map.of("PageSize", 50, "PageNumber", 3));

        assertThat(page2.jsonPath().getInt("Page.TotalCount")).isEqualTo(before + 3);
        assertThat(page3.jsonPath().getInt("Page.TotalCount")).isEqualTo(before + 6);
        assertThat(groundTruth().getList("tasks")).hasSize(before + 6);
    }

    @Test
    void newTasksArriveAsTheClockMoves() {
        int before = groundTruth().getList("tasks").size();

        advance(60);

        assertThat(groundTruth().getList("tasks")).hasSize(before + 3);
        assertThat(describe(Map.of()).jsonPath().getInt("Page.TotalCount")).isEqualTo(before + 3);
    }

    @Test
    void handlingTasksSettleWithinTenMinutes() {
        faults("{\"arrivals\": 20}");
        describe(Map.of());
        faults("{\"arrivals\": 0}");
        List<Map<String, Object>> handling = walk(Map.of("TaskStatus", "[\"11\"]"), 100);
        Set<Object> ids = handling.stream().map(t -> t.get("TaskId")).collect(Collectors.toSet());

        advance(601);
        List<Map<String, Object>> later = groundTruth().<Map<String, Object>>getList("tasks").stream()
                .filter(t -> ids.contains(t.get("TaskId"))).toList();

        assertThat(handling).hasSizeGreaterThanOrEqualTo(20);
        assertThat(later).hasSameSizeAs(handling).allSatisfy(t -> {
            assertThat((Integer) t.get("TaskStatus")).isIn(20, 21, 22, 90);
            assertThat(((Number) t.get("GmtModifiedMillis")).longValue()).isGreaterThan(((Number) t.get("GmtCreateMillis")).longValue());
        });
        assertThat(later).allSatisfy(t -> assertThat(t.containsKey("ErrCode")).isEqualTo(t.get("TaskStatus").equals(90)));
        assertThat(later).anySatisfy(t -> assertThat(t.get("TaskStatus")).isEqualTo(20));
    }

    @Test
    void blockedTasksAreReleasedWithARemoveTime() {
        long now = groundTruth().getLong("nowMillis");
        Set<Object> recentBlocks = groundTruth().<Map<String, Object>>getList("tasks").stream()
                .filter(t -> Set.of(21, 22).contains(t.get("TaskStatus")))
                .filter(t -> now - ((Number) t.get("GmtCreateMillis")).longValue() < Duration.ofDays(10).toMillis())
                .map(t -> t.get("TaskId")).collect(Collectors.toSet());

        advance(Duration.ofDays(6).toSeconds());
        JsonPath truth = groundTruth();
        long later = truth.getLong("nowMillis");
        List<Map<String, Object>> released = truth.<Map<String, Object>>getList("tasks").stream()
                .filter(t -> recentBlocks.contains(t.get("TaskId"))).toList();

        assertThat(recentBlocks).isNotEmpty();
        assertThat(released).hasSameSizeAs(recentBlocks).allSatisfy(t -> {
            assertThat((Integer) t.get("TaskStatus")).isIn(23, 91, 92);
            assertThat(((Number) t.get("RemoveTime")).longValue()).isEqualTo(((Number) t.get("GmtModifiedMillis")).longValue())
                    .isGreaterThan(now).isLessThanOrEqualTo(later);
        });
        assertThat(released).anySatisfy(t -> assertThat(t.get("TaskStatus")).isEqualTo(23));
    }

    @Test
    void someEntityUuidsAreOnlyKnownOnceTheTaskIsHandled() {
        faults("{\"arrivals\": 300}");
        describe(Map.of());
        faults("{\"arrivals\": 0}");
        List<Map<String, Object>> blank = walk(Map.of("TaskStatus", "[\"11\"]"), 100).stream()
                .filter(t -> "".equals(t.get("EntityUuid")) && !"ip".equals(t.get("EntityType"))).toList();
        Set<Object> ids = blank.stream().map(t -> t.get("TaskId")).collect(Collectors.toSet());

        advance(601);

        assertThat(blank).isNotEmpty();
        assertThat(groundTruth().<Map<String, Object>>getList("tasks")).filteredOn(t -> ids.contains(t.get("TaskId")))
                .hasSize(ids.size()).allSatisfy(t -> assertThat((String) t.get("EntityUuid")).isNotBlank());
    }

    @Test
    void theSameSeedGivesTheSameAccount() {
        List<Object> first = groundTruth().getList("tasks.TaskId");
        given().queryParam("seed", 42).post(BASE + "/admin/reset").then().statusCode(200);
        List<Object> again = groundTruth().getList("tasks.TaskId");
        given().queryParam("seed", 7).queryParam("tasks", 10).post(BASE + "/admin/reset").then().statusCode(200);

        assertThat(new HashSet<>(again)).isEqualTo(new HashSet<>(first));
        assertThat(groundTruth().getList("tasks")).hasSize(10);
    }

    // --- throttling and faults --------------------------------------------------------------

    @Test
    void theRateLimitThrottlesWithHttp400() {
        faults("{\"rateLimitPerSecond\": 2}");

        List<Integer> statuses = List.of(describe(Map.of()), describe(Map.of()), describe(Map.of())).stream()
                .map(Response::statusCode).toList();
        Response throttled = describe(Map.of());

        assertThat(statuses).contains(200);
        assertError(throttled, 400, "Throttling.User");
    }

    @Test
    void injectedThrottlesAnswer400OrOptionally429() {
        faults("{\"throttle\": {\"next\": 1}}");
        assertError(describe(Map.of()), 400, "Throttling.User");

        faults("{\"throttle\": {\"next\": 1}, \"throttleStatus\": 429}");
        assertError(describe(Map.of()), 429, "Throttling");
        assertThat(describe(Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void serverErrorsAlternate500And503() {
        faults("{\"serverError\": {\"next\": 2}}");

        assertError(describe(Map.of()), 500, "InternalError");
        assertError(describe(Map.of()), 503, "ServiceUnavailable");
        assertThat(describe(Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void slowAnswersAreDelayed() {
        faults("{\"slow\": {\"next\": 1}, \"slowDelayMillis\": 300}");

        long start = System.nanoTime();
        Response slow = describe(Map.of());

        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void faultSettingsAreValidatedAndPartiallyUpdated() {
        given().contentType(ContentType.JSON).body("{\"serverError\": {\"probability\": 2}}")
                .post(BASE + "/admin/faults").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"throttleStatus\": 503}")
                .post(BASE + "/admin/faults").then().statusCode(400);

        faults("{\"slow\": {\"probability\": 0.5}}");
        JsonPath settings = given().get(BASE + "/admin/faults").then().statusCode(200).extract().jsonPath();

        assertThat(settings.getDouble("slow.probability")).isEqualTo(0.5);
        assertThat(settings.getInt("rateLimitPerSecond")).isZero();
        assertThat(settings.getInt("throttleStatus")).isEqualTo(400);
        assertThat(settings.getInt("arrivals")).isZero();
    }

    @Test
    void callsAreCountedByOutcomeUntilTheNextReset() {
        describe(Map.of());
        describe(Map.of());
        AlibabaSimulatorApi.Call tampered = call();
        tampered.signature = "0".repeat(64);
        tampered.send();

        JsonPath calls = given().get(BASE + "/admin/calls").then().statusCode(200).extract().jsonPath();
        AlibabaSimulatorApi.resetWithoutRateLimit();

        assertThat(calls.getInt("total")).isEqualTo(3);
        assertThat(calls.getInt("byOutcome.Success")).isEqualTo(2);
        assertThat(calls.getInt("byOutcome.SignatureDoesNotMatch")).isEqualTo(1);
        assertThat(given().get(BASE + "/admin/calls").then().extract().jsonPath().getInt("total")).isZero();
    }

    @Test
    void theClockMovesOnlyThroughTheAdminApi() {
        long before = given().get(BASE + "/admin/clock").then().statusCode(200).extract().jsonPath().getLong("nowMillis");

        long after = given().queryParam("seconds", 90).post(BASE + "/admin/advance").then().statusCode(200)
                .extract().jsonPath().getLong("nowMillis");

        assertThat(after - before).isEqualTo(90_000);
        given().queryParam("seconds", -1).post(BASE + "/admin/advance").then().statusCode(400);
    }

    private static void assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.body().asString()).isEqualTo(status);
        JsonPath body = response.jsonPath();
        assertThat(body.getString("Code")).isEqualTo(code);
        assertThat(body.getString("RequestId")).isNotBlank().isEqualTo(response.header("x-acs-request-id"));
        assertThat(body.getString("HostId")).isNotBlank();
        assertThat(body.getString("Message")).isNotBlank();
        assertThat(body.getString("Recommend")).contains(code);
    }
}
