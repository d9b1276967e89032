package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.support.LogCapture;
import dev.taskruns.support.MutableClock;
import dev.taskruns.support.TestRuntime;
import dev.taskruns.support.VendorSpecs;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.taskruns.support.PostgresResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ESET client against WireMock. A Quarkus test only because Quarkus REST clients are generated at
 * build time; the client itself is built by hand with a controllable clock, sleeper and rate-limiter clock.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class EsetClientTest {

    private static final String USER = "svc@example.com";
    private static final String PASSWORD = "s3cr&t p@ss=word";
    private static final String TASKS = "/v1/device_tasks";

    /** The stub vendor: one server per class, reset before each test. */
    @RegisterExtension
    static final WireMockExtension wm = WireMockExtension.newInstance()
            .options(WireMockConfiguration.options().dynamicPort()).build();

    private final TestRuntime test = new TestRuntime(Instant.parse("2025-01-01T00:00:00Z"));
    private final SimpleMeterRegistry registry = test.registry;
    private final MutableClock clock = test.clock;
    private final List<Duration> sleeps = test.sleeps;

    private EsetClient client(EsetSettings settings) {
        return new EsetClients(settings, EsetTestConfig.sources("eseteu", wm.baseUrl(), USER, PASSWORD), test.runtime())
                .forSource(EsetTestConfig.source("eseteu"));
    }

    private EsetClient client() {
        return client(EsetTestConfig.settings());
    }

    private static void tokenGrant(String grantType, String accessToken, String refreshToken) {
        wm.stubFor(post("/oauth/token").withFormParam("grant_type", equalTo(grantType))
                .willReturn(okJson(token(accessToken, refreshToken))));
    }

    private static String token(String accessToken, String refreshToken) {
        return """
                {"access_token":"%s","refresh_token":"%s","token_type":"Bearer","expires_in":3600}"""
                .formatted(accessToken, refreshToken);
    }

    private static MappingBuilder tasks(String bearer) {
        return get(urlPathEqualTo(TASKS)).withHeader("Authorization", equalTo("Bearer " + bearer));
    }

    private static ResponseDefinitionBuilder taskPage(String uuid, String nextPageToken) {
        String next = nextPageToken == null ? "" : ",\"nextPageToken\":" + nextPageToken;
        return okJson("{\"tasks\":[{\"uuid\":\"" + uuid + "\",\"displayName\":\"Scan " + uuid + "\"}]" + next + "}");
    }

    private double calls(String outcome) {
        return registry.counter("taskruns.vendor.api.calls", "source", "eseteu", "vendor", "eset", "outcome", outcome).count();
    }

    /** One malformed task must not make the whole list unreadable: that would stop every task of the source. */
    @Test
    void aTaskWithFieldsOfTheWrongTypeIsReadFieldByFieldNotFailingTheList() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(okJson("""
                {"tasks":[{"uuid":"t1","displayName":{"x":1},"triggers":"daily","createTime":[1]},
                          {"uuid":{"nested":true},"displayName":"No id"},
                          7,
                          {"uuid":"t2","displayName":"Fine","triggers":[{"manual":{}}]}]}""")));

        List<EsetTask> tasks = client().listTasks();

        assertThat(tasks).extracting(EsetTask::uuid).containsExactly("t1", null, null, "t2");
        assertThat(tasks.get(0).displayName()).isNull();
        assertThat(tasks.get(0).triggers()).isEmpty();
        assertThat(tasks.get(0).createTime()).isNull();
        assertThat(tasks.get(3).triggers()).hasSize(1);
    }

    @Test
    void passwordGrantIsFormEncodedAndTheTokenIsSentAsBearer() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(taskPage("t1", null)));

        assertThat(client().listTasks()).extracting(EsetTask::uuid).containsExactly("t1");

        wm.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("grant_type", equalTo("password"))
                .withFormParam("username", equalTo(USER))
                .withFormParam("password", equalTo(PASSWORD)));
        wm.verify(getRequestedFor(urlPathEqualTo(TASKS)).withQueryParam("pageSize", equalTo("1000")));
    }

    @Test
    void refreshesBeforeExpiryAndUsesTheRotatedRefreshToken() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(post("/oauth/token").withFormParam("refresh_token", equalTo("rt1")).willReturn(okJson(token("at2", "rt2"))));
        wm.stubFor(post("/oauth/token").withFormParam("refresh_token", equalTo("rt2")).willReturn(okJson(token("at3", "rt3"))));
        for (String bearer : List.of("at1", "at2", "at3")) {
            wm.stubFor(tasks(bearer).willReturn(taskPage(bearer, null)));
        }
        EsetClient client = client();

        assertThat(client.listTasks()).extracting(EsetTask::uuid).containsExactly("at1");
        clock.advance(Duration.ofSeconds(3000));
        assertThat(client.listTasks()).extracting(EsetTask::uuid).as("still valid: no refresh").containsExactly("at1");
        clock.advance(Duration.ofSeconds(550)); // 50 s before expiry, inside the 60 s margin
        assertThat(client.listTasks()).extracting(EsetTask::uuid).containsExactly("at2");
        clock.advance(Duration.ofSeconds(3550));
        assertThat(client.listTasks()).extracting(EsetTask::uuid).containsExactly("at3");

        wm.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")).withFormParam("grant_type", equalTo("password")));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")).withFormParam("refresh_token", equalTo("rt1")));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")).withFormParam("refresh_token", equalTo("rt2")));
    }

    @Test
    void aRefusedRefreshFallsBackToAPasswordGrant() {
        wm.stubFor(post("/oauth/token").withFormParam("grant_type", equalTo("password"))
                .inScenario("grants").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(okJson(token("at1", "rt1"))));
        wm.stubFor(post("/oauth/token").withFormParam("grant_type", equalTo("password"))
                .inScenario("grants").whenScenarioStateIs("second")
                .willReturn(okJson(token("at2", "rt2"))));
        wm.stubFor(post("/oauth/token").withFormParam("grant_type", equalTo("refresh_token")).willReturn(status(400)));
        wm.stubFor(tasks("at1").willReturn(taskPage("first", null)));
        wm.stubFor(tasks("at2").willReturn(taskPage("second", null)));
        EsetClient client = client();

        client.listTasks();
        clock.advance(Duration.ofHours(2));

        assertThat(client.listTasks()).extracting(EsetTask::uuid).containsExactly("second");
        wm.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")).withFormParam("grant_type", equalTo("password")));
        assertThat(registry.counter("taskruns.eset.token.grants", "source", "eseteu", "grant", "refresh_token", "outcome", "failure")
                .count()).isEqualTo(1);
    }

    @Test
    void a401GetsANewTokenAndOneRetry() {
        tokenGrant("password", "at1", "rt1");
        tokenGrant("refresh_token", "at2", "rt2");
        wm.stubFor(tasks("at1").willReturn(status(401)));
        wm.stubFor(tasks("at2").willReturn(taskPage("t1", null)));

        assertThat(client().listTasks()).extracting(EsetTask::uuid).containsExactly("t1");
        wm.verify(2, getRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void aSecond401FailsTheRequestInsteadOfLooping() {
        tokenGrant("password", "at1", "rt1");
        tokenGrant("refresh_token", "at2", "rt2");
        wm.stubFor(get(urlPathEqualTo(TASKS)).willReturn(status(401)));

        assertThatThrownBy(() -> client().listTasks()).isInstanceOfSatisfying(VendorApiException.class,
                e -> assertThat(e.status()).isEqualTo(401));
        wm.verify(2, getRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void aRefusedSignInFailsOnceWithoutBeingRetriedAsAnApi401() {
        wm.stubFor(post("/oauth/token").willReturn(status(401)));

        assertThatThrownBy(() -> client().listTasks()).isInstanceOfSatisfying(VendorApiException.class,
                e -> assertThat(e.status()).isEqualTo(401)).hasMessageContaining("token password");
        wm.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
        wm.verify(0, getRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void tasksArePagedUntilTheTokenIsTheEmptyStringLiteral() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").withQueryParam("pageToken", absent()).willReturn(taskPage("t1", "\"p2\"")));
        wm.stubFor(tasks("at1").withQueryParam("pageToken", equalTo("p2")).willReturn(taskPage("t2", "\"\\\"\\\"\"")));

        assertThat(client().listTasks()).extracting(EsetTask::uuid).containsExactly("t1", "t2");
        wm.verify(2, getRequestedFor(urlPathEqualTo(TASKS)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"nextPageToken\":\"\"", ",\"nextPageToken\":null"})
    void runPagingEndsOnAMissingNullOrEmptyToken(String lastToken) {
        tokenGrant("password", "at1", "rt1");
        String runs = "/v1/device_tasks/t1/runs";
        wm.stubFor(get(urlPathEqualTo(runs)).withQueryParam("pageToken", absent())
                .willReturn(okJson("{\"taskRuns\":[{\"uuid\":\"r1\"}],\"nextPageToken\":\"p2\"}")));
        wm.stubFor(get(urlPathEqualTo(runs)).withQueryParam("pageToken", equalTo("p2"))
                .willReturn(okJson("{\"taskRuns\":[{\"uuid\":\"r2\"}]" + lastToken + "}")));
        List<String> pages = new ArrayList<>();

        client().forEachRunPage("t1", EsetApiClient.RunQuery.ALL,
                (page, next) -> pages.add(page.getFirst().get("uuid").asText() + (next == null ? " last" : "")));

        assertThat(pages).containsExactly("r1", "r2 last");
        wm.verify(getRequestedFor(urlPathEqualTo(runs)).withQueryParam("pageSize", equalTo("1000"))
                .withQueryParam("listOnlyLastRuns", absent()).withQueryParam("deviceUuid", absent()));
    }

    @Test
    void runFiltersAreSentWhenAsked() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(get(urlPathEqualTo("/v1/device_tasks/t1/runs")).willReturn(okJson("{\"taskRuns\":[]}")));

        client().forEachRunPage("t1", new EsetApiClient.RunQuery("d1", true), (page, last) -> { });

        wm.verify(getRequestedFor(urlPathEqualTo("/v1/device_tasks/t1/runs"))
                .withQueryParam("deviceUuid", equalTo("d1")).withQueryParam("listOnlyLastRuns", equalTo("true")));
    }

    @Test
    void a202IsPolledWithItsResponseIdUntilReadyAndTheIdIsDroppedAfterwards() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").withQueryParam("pageToken", absent()).withHeader("response-id", absent())
                .willReturn(aResponse().withStatus(202).withHeader("response-id", "rid-1")));
        wm.stubFor(tasks("at1").withQueryParam("pageToken", absent()).withHeader("response-id", equalTo("rid-1"))
                .inScenario("poll").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ready")
                .willReturn(aResponse().withStatus(202).withHeader("response-id", "rid-1")));
        wm.stubFor(tasks("at1").withQueryParam("pageToken", absent()).withHeader("response-id", equalTo("rid-1"))
                .inScenario("poll").whenScenarioStateIs("ready")
                .willReturn(taskPage("t1", "\"p2\"")));
        wm.stubFor(tasks("at1").withQueryParam("pageToken", equalTo("p2")).withHeader("response-id", absent())
                .willReturn(taskPage("t2", null)));

        assertThat(client().listTasks()).extracting(EsetTask::uuid).containsExactly("t1", "t2");
        wm.verify(2, getRequestedFor(urlPathEqualTo(TASKS)).withHeader("response-id", equalTo("rid-1")));
        assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
        assertThat(calls("accepted")).isEqualTo(2);
    }

    @Test
    void a202ThatNeverBecomesReadyFailsAfterTheBoundedPolls() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(aResponse().withStatus(202).withHeader("response-id", "rid-1")));

        assertThatThrownBy(() -> client().listTasks()).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("list tasks").hasMessageContaining("5 polls");
        wm.verify(6, getRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void aStaleResponseIdRestartsTheRequestWithoutIt() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").withHeader("response-id", absent())
                .inScenario("stale").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("restarted")
                .willReturn(aResponse().withStatus(202).withHeader("response-id", "rid-old")));
        wm.stubFor(tasks("at1").withHeader("response-id", equalTo("rid-old")).willReturn(status(404)));
        wm.stubFor(tasks("at1").withHeader("response-id", absent())
                .inScenario("stale").whenScenarioStateIs("restarted")
                .willReturn(taskPage("t1", null)));

        assertThat(client().listTasks()).extracting(EsetTask::uuid).containsExactly("t1");
        wm.verify(2, getRequestedFor(urlPathEqualTo(TASKS)).withHeader("response-id", absent()));
    }

    @Test
    void a404WithoutAResponseIdIsAnError() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(get(urlPathEqualTo("/v1/device_tasks/gone/runs")).willReturn(status(404).withHeader("request-id", "req-9")));

        assertThatThrownBy(() -> client().forEachRunPage("gone", EsetApiClient.RunQuery.ALL, (p, l) -> { }))
                .isInstanceOfSatisfying(VendorApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("req-9");
    }

    @Test
    void a504RepeatsTheRequest() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").inScenario("slow").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(status(504)));
        wm.stubFor(tasks("at1").inScenario("slow").whenScenarioStateIs("ok").willReturn(taskPage("t1", null)));

        assertThat(client().listTasks()).extracting(EsetTask::uuid).containsExactly("t1");
        wm.verify(2, getRequestedFor(urlPathEqualTo(TASKS)));
        assertThat(calls("timeout")).isEqualTo(1);
    }

    @Test
    void a429HonoursRetryAfter() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").inScenario("busy").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(status(429).withHeader("Retry-After", "7")));
        wm.stubFor(tasks("at1").inScenario("busy").whenScenarioStateIs("ok").willReturn(taskPage("t1", null)));

        assertThat(client().listTasks()).hasSize(1);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void a429WithoutRetryAfterBacksOffExponentiallyWithJitter() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").inScenario("busy").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("again")
                .willReturn(status(429)));
        wm.stubFor(tasks("at1").inScenario("busy").whenScenarioStateIs("again").willSetStateTo("ok")
                .willReturn(status(429)));
        wm.stubFor(tasks("at1").inScenario("busy").whenScenarioStateIs("ok").willReturn(taskPage("t1", null)));

        assertThat(client().listTasks()).hasSize(1);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(calls("throttled")).isEqualTo(2);
    }

    @Test
    void aRetryAfterBeyondTheMaximumFailsTheRequestRatherThanStallingTheCycle() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(status(429).withHeader("Retry-After", "3600")));

        assertThatThrownBy(() -> client().listTasks()).isInstanceOf(VendorApiException.class).hasMessageContaining("Retry-After");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimesThenFailClearly() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(status(503).withHeader("request-id", "req-503")));

        assertThatThrownBy(() -> client().listTasks()).isInstanceOfSatisfying(VendorApiException.class,
                        e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageContaining("eseteu").hasMessageContaining("list tasks").hasMessageContaining("4 attempts")
                .hasMessageContaining("req-503");
        wm.verify(4, getRequestedFor(urlPathEqualTo(TASKS)));
        assertThat(sleeps).hasSize(3);
        assertThat(registry.counter("taskruns.vendor.api.retries", "source", "eseteu", "vendor", "eset", "outcome", "server_error").count()).isEqualTo(3);
    }

    @Test
    void aTimedOutRequestIsRetried() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").inScenario("hang").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(taskPage("late", null).withFixedDelay(2_000)));
        wm.stubFor(tasks("at1").inScenario("hang").whenScenarioStateIs("ok").willReturn(taskPage("t1", null)));

        assertThat(client(EsetTestConfig.settings(Map.of("taskruns.eset.read-timeout", "200ms"))).listTasks())
                .extracting(EsetTask::uuid).containsExactly("t1");
        assertThat(calls("io_error")).isEqualTo(1);
    }

    @Test
    void theRateLimiterBlocksEveryRequestBeyondTheBudget() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(taskPage("t1", null)));
        EsetClient client = client();

        for (int i = 0; i < 20; i++) {
            client.listTasks();
        }

        // 21 requests (1 token + 20 lists), one permit per 100 ms and no burst: all but the first wait
        var waits = registry.timer("taskruns.vendor.throttle.waits", "source", "eseteu", "vendor", "eset");
        assertThat(waits.count()).isEqualTo(20);
        assertThat(waits.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2_000);
        assertThat(calls("success")).isEqualTo(21);
    }

    @Test
    void devicesAreFetchedInOneBatchGetWithRepeatedIds() {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(get(urlPathEqualTo("/v1/devices:batchGet")).willReturn(okJson("""
                {"devices":[{"uuid":"d1","displayName":"PC-1"},{"uuid":"d2","displayName":"PC-2"}]}""")));

        assertThat(client().devices(List.of("d1", "d2"))).containsExactly(new EsetDevice("d1", "PC-1"), new EsetDevice("d2", "PC-2"));
        wm.verify(getRequestedFor(urlPathEqualTo("/v1/devices:batchGet"))
                .withQueryParam("devicesUuids", equalTo("d1")).withQueryParam("devicesUuids", equalTo("d2"))
                .withHeader("Authorization", equalTo("Bearer at1")));
    }

    @Test
    void anUnreadableAnswerFailsWithoutQuotingIt() {
        wm.stubFor(post("/oauth/token").willReturn(okJson("{\"access_token\": secret-access-9")));

        assertThatThrownBy(() -> client().listTasks()).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("unreadable answer").message().doesNotContain("secret-access-9");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"taskRuns\":[{\"uuid\":\"secret-run\"",             // truncated
            "<html><body>secret-run: 502 Bad Gateway</body></html>", // a proxy's page
            "[{\"uuid\":\"secret-run\"}]",                           // an array where an object belongs
            "{\"taskRuns\":\"secret-run\"}",                           // a list field that is no list
    })
    void aMalformedPageFailsAtOnceNamingVendorCallAndProblemWithoutQuotingTheBody(String body) {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(get(urlPathEqualTo("/v1/device_tasks/t1/runs")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("request-id", "req-7").withBody(body)));

        assertThatThrownBy(() -> client().forEachRunPage("t1", EsetApiClient.RunQuery.ALL, (page, next) -> { }))
                .isInstanceOf(VendorApiException.class)
                .hasMessageMatching("ESET source eseteu: list runs of task t1 failed: unreadable answer \\(\\w+\\) \\(request-id req-7\\)")
                .message().doesNotContain("secret-run");
        assertThat(registry.counter("taskruns.vendor.api.calls", "source", "eseteu", "vendor", "eset", "outcome", "unreadable").count())
                .as("not retried: the same answer would come again").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"p\\u0000", "LONG"})
    void aPageTokenThatCouldNotBeSentBackOrKeptFailsThePageBeforeItIsHandled(String token) {
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(get(urlPathEqualTo("/v1/device_tasks/t1/runs")).willReturn(okJson(
                "{\"taskRuns\":[{\"uuid\":\"r1\"}],\"nextPageToken\":\"" + token.replace("LONG", "t".repeat(5000)) + "\"}")));
        List<JsonNode> handled = new ArrayList<>();

        assertThatThrownBy(() -> client().forEachRunPage("t1", EsetApiClient.RunQuery.ALL, (page, next) -> handled.addAll(page)))
                .isInstanceOf(VendorApiException.class)
                .hasMessageStartingWith("ESET source eseteu: list runs of task t1 failed: unreadable answer (nextPageToken of ");
        assertThat(handled).as("not committed: its token could not be saved").isEmpty();
    }

    @Test
    void everyRequestMatchesTheVendorsOpenApiSpecs() {
        String task = "9b2f4f6e-3a1d-4c39-8f4e-2b7a8c1d5e60";
        String device = "0c8f1a2b-6d4e-4f3a-9b1c-5e7d2a8f4c33";
        tokenGrant("password", "at1", "rt1");
        wm.stubFor(tasks("at1").willReturn(taskPage("t1", null)));
        wm.stubFor(get(urlPathEqualTo("/v1/device_tasks/" + task + "/runs")).willReturn(okJson("{\"taskRuns\":[]}")));
        wm.stubFor(get(urlPathEqualTo("/v1/devices:batchGet")).willReturn(okJson("{\"devices\":[]}")));
        EsetClient client = client();
        client.listTasks();
        client.forEachRunPage(task, new EsetApiClient.RunQuery(device, true), (page, last) -> { });
        client.devices(List.of(device, "3d3c1c39-0b0a-4f4b-9d3e-7d0f9a3c2b11"));

        Map<String, OpenApiInteractionValidator> validators = Map.of(
                "/oauth/", validator(VendorSpecs.file("eset", "business-account.openapi.json")),
                "/v1/device_tasks", validator(VendorSpecs.file("eset", "automation.openapi.json")),
                "/v1/devices", validator(VendorSpecs.file("eset", "device-management.openapi.json")));
        List<ServeEvent> events = wm.getAllServeEvents();
        assertThat(events).hasSize(4);
        for (ServeEvent event : events) {
            LoggedRequest logged = event.getRequest();
            String path = URI.create(logged.getUrl()).getRawPath();
            SimpleRequest.Builder request = new SimpleRequest.Builder(logged.getMethod().getName(), path);
            logged.getHeaders().all().forEach(h -> request.withHeader(h.key(), h.values()));
            logged.getQueryParams().forEach((name, values) -> request.withQueryParam(name, values.values()));
            if (logged.getBodyAsString() != null && !logged.getBodyAsString().isEmpty()) {
                request.withBody(logged.getBodyAsString());
            }
            OpenApiInteractionValidator validator = validators.entrySet().stream()
                    .filter(e -> path.startsWith(e.getKey())).findFirst().orElseThrow().getValue();
            ValidationReport report = validator.validateRequest(request.build());
            assertThat(report.getMessages()).as(logged.getMethod() + " " + path).isEmpty();
        }
    }

    private static OpenApiInteractionValidator validator(Path spec) {
        return OpenApiInteractionValidator.createForSpecificationUrl(spec.toUri().toString()).build();
    }

    @Test
    void credentialsAndTokensAppearInNoLogLineOrExceptionMessage() {
        LogCapture log = new LogCapture("dev.taskruns.connector");
        List<String> errors = new ArrayList<>();
        try {
            tokenGrant("password", "secret-access-1", "secret-refresh-1");
            tokenGrant("refresh_token", "secret-access-2", "secret-refresh-2");
            wm.stubFor(tasks("secret-access-1").willReturn(status(401)));
            wm.stubFor(tasks("secret-access-2").willReturn(taskPage("t1", null)));
            EsetClient client = client();
            client.listTasks();                                   // 401, re-auth via refresh
            wm.stubFor(post("/oauth/token").willReturn(status(401).withBody("bad " + PASSWORD)));
            clock.advance(Duration.ofHours(2));
            try {
                client.listTasks();                               // refresh refused, password refused
            } catch (VendorApiException e) {
                errors.add(e.getMessage());
            }
        } finally {
            log.close();
        }
        List<String> logged = log.lines();

        assertThat(errors).singleElement().asString().contains("token password").contains("401");
        assertThat(logged).isNotEmpty();
        for (String text : concat(logged, errors)) {
            assertThat(text).doesNotContain(PASSWORD, "s3cr", "secret-access", "secret-refresh");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
