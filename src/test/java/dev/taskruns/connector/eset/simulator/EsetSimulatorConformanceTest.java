package dev.taskruns.connector.eset.simulator;

import dev.taskruns.support.VendorSpecs;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.whitelist.StatusType;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.atlassian.oai.validator.whitelist.rule.WhitelistRules;
import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Header;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.taskruns.connector.eset.simulator.SimulatorApi.BASE;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.PASSWORD;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.USERNAME;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.accessToken;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.faults;
import static dev.taskruns.connector.eset.simulator.SimulatorApi.groundTruth;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's answers, and the requests these tests send, checked against the vendor's OpenAPI
 * specs. The specs' servers have no base path, so the simulator's {@code /simulator/eset} prefix is
 * taken off before validating.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class EsetSimulatorConformanceTest {


    private String token;

    @BeforeEach
    void reset() {
        SimulatorApi.resetWithoutRateLimit();
        token = accessToken();
    }

    /** One exchange: what is sent, how RestAssured sends it, and the same request for the validator. */
    private record Call(Request.Method method, String path, Map<String, List<String>> query, Map<String, String> headers,
                        String contentType, String body) {

        static Call get(String path) {
            return new Call(Request.Method.GET, path, new LinkedHashMap<>(), new LinkedHashMap<>(), null, null);
        }

        Call query(String name, Object... values) {
            query.computeIfAbsent(name, n -> new ArrayList<>()).addAll(Arrays.stream(values).map(String::valueOf).toList());
            return this;
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Call bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        Response send() {
            // unencoded, or RestAssured would send the colon of /v1/devices:batchGet as %3A
            RequestSpecification spec = given().urlEncodingEnabled(false).headers(headers);
            query.forEach((name, values) -> spec.queryParam(name, values.toArray()));
            if (contentType != null) {
                spec.contentType(contentType).body(body);
            }
            return spec.request(method.name(), BASE + path);
        }

        Request toValidator() {
            SimpleRequest.Builder builder = new SimpleRequest.Builder(method, path);
            query.forEach(builder::withQueryParam);
            headers.forEach(builder::withHeader);
            if (contentType != null) {
                builder.withContentType(contentType).withBody(body);
            }
            return builder.build();
        }
    }

    private static OpenApiInteractionValidator validator(String spec) {
        Path file = VendorSpecs.file("eset", spec);
        // Spec quirk, not a simulator mismatch: every 4xx/5xx (and the token endpoint's default answer) is
        // declared with "content: {}", while the vendor documents error bodies as rpcStatus{code,message,
        // details} (README, automation schema rpcStatus). Those bodies are checked by errorBodyShape instead.
        ValidationErrorsWhitelist undeclaredErrorBodies = ValidationErrorsWhitelist.create().withRule(
                "error bodies the spec leaves undeclared",
                WhitelistRules.allOf(WhitelistRules.isResponse(),
                        WhitelistRules.messageHasKey("validation.response.body.unexpected"),
                        WhitelistRules.anyOf(WhitelistRules.responseStatusTypeIs(StatusType.CLIENT_ERROR),
                                WhitelistRules.responseStatusTypeIs(StatusType.SERVER_ERROR))));
        return OpenApiInteractionValidator.createForSpecificationUrl(file.toAbsolutePath().toUri().toString())
                .withWhitelist(undeclaredErrorBodies).build();
    }

    /** What the whitelist lets through must still be a vendor-shaped error: rpcStatus, or RFC 6749 for tokens. */
    private static void errorBodyShape(String path, Response response) {
        if (response.statusCode() < 400) {
            return;
        }
        Map<String, Object> body = response.jsonPath().getMap("");
        if (path.equals("/oauth/token")) {
            assertThat(body).containsOnlyKeys("error", "error_description");
        } else {
            assertThat(body).containsOnlyKeys("code", "message", "details");
            assertThat(body.get("code")).isInstanceOf(Integer.class);
            assertThat(body.get("details")).isEqualTo(List.of());
        }
    }

    private static com.atlassian.oai.validator.model.Response toValidator(Response response) {
        SimpleResponse.Builder builder = SimpleResponse.Builder.status(response.statusCode());
        for (Header header : response.headers()) {
            builder.withHeader(header.getName(), header.getValue());
        }
        String body = response.body().asString();
        if (!body.isEmpty()) {
            builder.withBody(body);
        }
        return builder.build();
    }

    /** Whitelisted findings stay in the report at level IGNORE; everything else counts. */
    private static List<ValidationReport.Message> reported(ValidationReport report) {
        return report.getMessages().stream().filter(m -> m.getLevel() != ValidationReport.Level.IGNORE).toList();
    }

    /** Sends the call, checks request and answer against the spec, returns the answer. */
    private static Response exchange(OpenApiInteractionValidator validator, Call call) {
        Response response = call.send();
        ValidationReport report = validator.validate(call.toValidator(), toValidator(response));
        assertThat(reported(report)).as("%s %s -> %d %s", call.method(), call.path(), response.statusCode(),
                response.body().asString()).isEmpty();
        errorBodyShape(call.path(), response);
        return response;
    }

    /** For calls that are deliberately invalid (no token, negative page size): only the answer is checked. */
    private static Response answerOnly(OpenApiInteractionValidator validator, Call call) {
        Response response = call.send();
        ValidationReport report = validator.validateResponse(call.path(), call.method(), toValidator(response));
        assertThat(reported(report)).as("%s %s -> %d %s", call.method(), call.path(), response.statusCode(),
                response.body().asString()).isEmpty();
        errorBodyShape(call.path(), response);
        return response;
    }

    @Test
    void taskListingPagesConform() {
        OpenApiInteractionValidator automation = validator("automation.openapi.json");

        Response first = exchange(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", 20));
        String next = first.jsonPath().getString("nextPageToken");
        Response second = exchange(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", 1000)
                .query("pageToken", next));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.jsonPath().getString("nextPageToken")).isEmpty();
    }

    @Test
    void runListingsConformForEveryTaskAndFilter() {
        OpenApiInteractionValidator automation = validator("automation.openapi.json");
        JsonPath truth = groundTruth();
        List<Map<String, Object>> runs = truth.getList("runs");

        for (String task : truth.<String>getList("tasks.uuid")) {
            Response page = exchange(automation, Call.get("/v1/device_tasks/" + task + "/runs").bearer(token)
                    .query("pageSize", 1000));
            assertThat(page.statusCode()).isEqualTo(200);
        }
        Map<String, Object> run = runs.get(runs.size() / 2);
        String runsOf = "/v1/device_tasks/" + run.get("taskUuid") + "/runs";
        exchange(automation, Call.get(runsOf).bearer(token).query("deviceUuid", run.get("deviceUuid"))
                .query("listOnlyLastRuns", true).query("pageSize", 0));
        exchange(automation, Call.get(runsOf).bearer(token).query("listOnlyLastRuns", false).query("pageSize", 2));
    }

    @Test
    void errorAnswersConform() {
        OpenApiInteractionValidator automation = validator("automation.openapi.json");
        String unknownTask = "/v1/device_tasks/3f1c1d3e-0000-4000-8000-000000000000/runs";

        assertThat(answerOnly(automation, Call.get("/v1/device_tasks")).statusCode()).isEqualTo(401);
        assertThat(exchange(automation, Call.get(unknownTask).bearer(token)).statusCode()).isEqualTo(404);
        assertThat(answerOnly(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", -1)).statusCode())
                .isEqualTo(400);
        faults("{\"serverError\": {\"next\": 3}, \"timeout\": {\"next\": 1}}");
        assertThat(exchange(automation, Call.get("/v1/device_tasks").bearer(token)).statusCode()).isEqualTo(504);
        assertThat(exchange(automation, Call.get("/v1/device_tasks").bearer(token)).statusCode()).isEqualTo(500);
        assertThat(exchange(automation, Call.get("/v1/device_tasks").bearer(token)).statusCode()).isEqualTo(502);
        assertThat(exchange(automation, Call.get("/v1/device_tasks").bearer(token)).statusCode()).isEqualTo(503);
        faults("{\"throttle\": {\"next\": 1}}");
        assertThat(exchange(automation, Call.get("/v1/device_tasks").bearer(token)).statusCode()).isEqualTo(429);
    }

    @Test
    void deferredAnswersConform() {
        OpenApiInteractionValidator automation = validator("automation.openapi.json");
        faults("{\"deferred\": {\"next\": 1}, \"deferredPolls\": 1}");

        Response accepted = exchange(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", 3));
        String id = accepted.header("response-id");
        Response pending = exchange(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", 3)
                .header("response-id", id));
        Response ready = exchange(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", 3)
                .header("response-id", id));
        Response gone = exchange(automation, Call.get("/v1/device_tasks").bearer(token).query("pageSize", 3)
                .header("response-id", id));

        assertThat(List.of(accepted.statusCode(), pending.statusCode(), ready.statusCode(), gone.statusCode()))
                .containsExactly(202, 202, 200, 404);
    }

    @Test
    void tokenExchangesConform() {
        OpenApiInteractionValidator account = validator("business-account.openapi.json");
        String form = "application/x-www-form-urlencoded";

        Response password = exchange(account, new Call(Request.Method.POST, "/oauth/token", new LinkedHashMap<>(),
                new LinkedHashMap<>(), form, "grant_type=password&username=" + USERNAME.replace("@", "%40")
                + "&password=" + PASSWORD));
        Response refresh = exchange(account, new Call(Request.Method.POST, "/oauth/token", new LinkedHashMap<>(),
                new LinkedHashMap<>(), form, "grant_type=refresh_token&refresh_token="
                + password.jsonPath().getString("refresh_token")));
        Response wrong = exchange(account, new Call(Request.Method.POST, "/oauth/token", new LinkedHashMap<>(),
                new LinkedHashMap<>(), form, "grant_type=password&username=x&password=y"));

        assertThat(password.statusCode()).isEqualTo(200);
        assertThat(refresh.statusCode()).isEqualTo(200);
        assertThat(wrong.statusCode()).isEqualTo(400);
    }

    @Test
    void deviceBatchGetConforms() {
        OpenApiInteractionValidator devices = validator("device-management.openapi.json");
        List<String> uuids = groundTruth().getList("devices.uuid");

        Response found = exchange(devices, Call.get("/v1/devices:batchGet").bearer(token)
                .query("devicesUuids", uuids.get(0), uuids.get(1), uuids.get(2)));
        Response unknown = exchange(devices, Call.get("/v1/devices:batchGet").bearer(token)
                .query("devicesUuids", "00000000-0000-4000-8000-000000000000"));

        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.jsonPath().getList("devices")).hasSize(3);
        assertThat(unknown.statusCode()).isEqualTo(404);
    }
}
