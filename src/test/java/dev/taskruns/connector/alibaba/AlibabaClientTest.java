package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.support.TestRuntime;
import dev.taskruns.support.LogCapture;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP client against a stub: what goes on the wire, and what each kind of vendor answer leads to. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AlibabaClientTest {

    private static final String KEY_ID = "LTAI-test-key";
    private static final String SECRET = "s3cr&t+key/=~";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})");
    private static final String PAGE = """
            {"RequestId":"req-ok","ProcessTasks":[{"TaskId":"150001","TaskStatus":20}],"Page":{"TotalCount":1,"PageNumber":1,"PageSize":10}}""";

    /** The stub vendor: one server per class, reset before each test. */
    @RegisterExtension
    static final WireMockExtension wm = WireMockExtension.newInstance()
            .options(WireMockConfiguration.options().dynamicPort()).build();

    private final TestRuntime test = new TestRuntime(Instant.parse("2026-11-01T00:00:00Z"));
    private final SimpleMeterRegistry registry = test.registry;
    private final List<Duration> sleeps = test.sleeps;

    private ProcessTasks client(Map<String, String> sourceKeys) {
        Map<String, String> keys = new HashMap<>(Map.of(
                "taskruns.sources.ali.alibaba.endpoint", wm.baseUrl(),
                "taskruns.sources.ali.alibaba.access-key-id", KEY_ID,
                "taskruns.sources.ali.alibaba.access-key-secret", SECRET));
        keys.putAll(sourceKeys);
        AlibabaSettings settings = TestConfig.mapping(AlibabaSettings.class, Map.of(
                "taskruns.alibaba.retry-delay", "100ms", "taskruns.alibaba.read-timeout", "500ms"));
        AlibabaSourceRules sources = new AlibabaSourceRules(TestConfig.mapping(AlibabaSourcesConfig.class, keys));
        return new AlibabaClients(settings, sources, test.runtime(), new ObjectMapper())
                .forSource(new SourceDefinition("ali", Vendor.ALIBABA, true, Duration.ofSeconds(60)));
    }

    private ProcessTasks client() {
        return client(Map.of());
    }

    private static Map<String, String> query() {
        return Map.of("PageNumber", "1", "PageSize", "10", "TaskStatus", "[\"11\",\"21\"]", "OrderField", "gmtCreate");
    }

    private static String error(String code, String requestId) {
        return "{\"RequestId\":\"" + requestId + "\",\"HostId\":\"sophonsoar.aliyuncs.com\",\"Code\":\"" + code
                + "\",\"Message\":\"" + code + " happened\",\"Recommend\":\"https://api.aliyun.com/troubleshoot\"}";
    }

    private double calls(String outcome) {
        return registry.counter("taskruns.vendor.api.calls", "source", "ali", "vendor", "alibaba", "outcome", outcome).count();
    }

    @Test
    void aCallIsAnEmptyPostWithItsParametersInTheQueryAndAVerifiableV3Signature() {
        wm.stubFor(post(urlPathEqualTo("/")).willReturn(okJson(PAGE)));

        ProcessTasks.Page page = client().describe(query());
        client().describe(query());

        assertThat(page.tasks()).singleElement().satisfies(t -> assertThat(t.get("TaskId").asText()).isEqualTo("150001"));
        assertThat(page.totalCount()).isEqualTo(1);
        List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlPathEqualTo("/")));
        assertThat(sent).hasSize(2);
        for (LoggedRequest request : sent) {
            assertThat(request.getHeader("x-acs-action")).isEqualTo("DescribeProcessTasks");
            assertThat(request.getHeader("x-acs-version")).isEqualTo("2022-07-28");
            assertThat(request.getHeader("x-acs-date")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(request.getHeader("x-acs-content-sha256")).isEqualTo(AcsSigner.EMPTY_BODY_SHA256);
            assertThat(request.getBody()).isEmpty();
            assertThat(verify(request, SECRET)).isTrue();
            assertThat(queryOf(request)).isEqualTo(new TreeMap<>(query()));
        }
        // a fresh nonce per request: Alibaba refuses a nonce it has seen
        assertThat(sent.get(0).getHeader("x-acs-signature-nonce")).isNotEqualTo(sent.get(1).getHeader("x-acs-signature-nonce"));
    }

    @Test
    void anStsSecurityTokenIsSentAndSigned() {
        wm.stubFor(post(urlPathEqualTo("/")).willReturn(okJson(PAGE)));

        client(Map.of("taskruns.sources.ali.alibaba.security-token", "sts-token-1")).describe(query());

        LoggedRequest request = wm.findAll(postRequestedFor(urlPathEqualTo("/"))).getFirst();
        assertThat(request.getHeader("x-acs-security-token")).isEqualTo("sts-token-1");
        assertThat(signedHeaders(request)).contains("x-acs-security-token");
        assertThat(verify(request, SECRET)).isTrue();
    }

    @Test
    void throttlingAsHttp400WithAThrottlingCodeIsBackedOffAndRetried() {
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(400).withBody(error("Throttling.User", "req-t1")))
                .willSetStateTo("api"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("api")
                .willReturn(aResponse().withStatus(400).withBody(error("Throttling.Api", "req-t2")))
                .willSetStateTo("ok"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("ok").willReturn(okJson(PAGE)));

        assertThat(client().describe(query()).tasks()).hasSize(1);
        assertThat(calls("throttled")).isEqualTo(2);
        assertThat(sleeps).hasSize(2);
        // each attempt signed afresh: a re-sent nonce would be refused as a replay
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/"))).stream()
                .map(r -> r.getHeader("x-acs-signature-nonce")).distinct()).hasSize(3);
    }

    @Test
    void a429HonoursRetryAfter() {
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody(error("Throttling", "req-t")))
                .willSetStateTo("ok"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("ok").willReturn(okJson(PAGE)));

        client().describe(query());

        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimesThenFailWithCodeAndRequestId() {
        wm.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(503).withBody(error("ServiceUnavailable", "req-503"))));

        assertThatThrownBy(() -> client().describe(query())).isInstanceOfSatisfying(VendorApiException.class,
                        e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageContaining("Alibaba source ali").hasMessageContaining("DescribeProcessTasks")
                .hasMessageContaining("ServiceUnavailable").hasMessageContaining("4 attempts").hasMessageContaining("req-503");
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/")))).hasSize(4);
    }

    @Test
    void aTimedOutRequestIsRetried() {
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(PAGE).withFixedDelay(2_000)).willSetStateTo("ok"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("ok").willReturn(okJson(PAGE)));

        assertThat(client().describe(query()).tasks()).hasSize(1);
        assertThat(calls("io_error")).isEqualTo(1);
    }

    @Test
    void aRefusedSignatureFailsAtOnceNamingCodeAndRequestIdButNeverTheSecret() {
        wm.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(400)
                .withBody(error("SignatureDoesNotMatch", "req-sig"))));

        assertThatThrownBy(() -> client().describe(query())).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("HTTP 400 SignatureDoesNotMatch").hasMessageContaining("req-sig")
                .message().doesNotContain(SECRET).doesNotContain("s3cr");
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/")))).hasSize(1);
        assertThat(calls("unauthorized")).isEqualTo(1);
    }

    @Test
    void theSecretAppearsInNoLogLineExceptionOrMetric() {
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(400).withBody(error("Throttling.User", "req-t"))).willSetStateTo("refused"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("refused")
                .willReturn(aResponse().withStatus(400).withBody(error("SignatureDoesNotMatch", "req-sig"))));
        List<String> texts = new ArrayList<>();
        try (LogCapture log = new LogCapture("dev.taskruns.connector")) {
            assertThatThrownBy(() -> client().describe(query())).satisfies(e -> texts.add(e.toString()));
            texts.addAll(log.lines());
        }
        registry.getMeters().forEach(meter -> texts.add(meter.getId().toString()));

        assertThat(texts).anySatisfy(text -> assertThat(text).contains("SignatureDoesNotMatch"));
        assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(SECRET).doesNotContain("s3cr"));
    }

    @Test
    void anAnswerThatDoesNotSayHowManyTasksThereAreIsAClearFailureNotALastPage() {
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"RequestId\":\"r\",\"ProcessTasks\":{},\"Page\":{\"TotalCount\":3}}")).willSetStateTo("2"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("2")
                .willReturn(okJson("{\"RequestId\":\"r\",\"ProcessTasks\":[{\"TaskId\":\"1\"}]}")).willSetStateTo("3"));
        wm.stubFor(post(urlPathEqualTo("/")).inScenario("t").whenScenarioStateIs("3")
                .willReturn(okJson("{\"RequestId\":\"r\",\"Page\":{\"TotalCount\":0}}")));

        assertThatThrownBy(() -> client().describe(query())).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("unreadable answer (no ProcessTasks array)");
        assertThatThrownBy(() -> client().describe(query())).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("unreadable answer (no Page.TotalCount)");
        // nothing to list may leave the array out
        assertThat(client().describe(query()).tasks()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"RequestId\":\"r\",\"ProcessTasks\":[{\"TaskId\":\"secret-task\"  | not a JSON object",
            "<html><body>secret-task: 502 Bad Gateway</body></html>             | not a JSON object",
            "[{\"TaskId\":\"secret-task\"}]                                      | not a JSON object",
            "{\"ProcessTasks\":\"secret-task\",\"Page\":{\"TotalCount\":1}}        | no ProcessTasks array",
            "{\"ProcessTasks\":[],\"Page\":{\"TotalCount\":-1}}                    | no Page.TotalCount",
            "{\"ProcessTasks\":[],\"Page\":{\"TotalCount\":\"secret-task\"}}       | no Page.TotalCount",
    })
    void aMalformedPageFailsAtOnceNamingVendorCallAndProblemWithoutQuotingTheBody(String body, String what) {
        wm.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("x-acs-request-id", "req-7").withBody(body)));

        assertThatThrownBy(() -> client().describe(query())).isInstanceOf(VendorApiException.class)
                .hasMessage("Alibaba source ali: DescribeProcessTasks failed: unreadable answer (" + what + ") (request-id req-7)");
        assertThat(calls("unreadable")).as("not retried: the same answer would come again").isEqualTo(1);
    }

    @Test
    void aVendorErrorWithANulOrAHugeRequestIdBecomesAShortNulFreeMessage() {
        wm.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"RequestId\":\"" + "q".repeat(1 << 20) + "\",\"Code\":\"InvalidParameter\",\"Message\":\"bad\\u0000"
                        + "m".repeat(1 << 20) + "\"}")));

        assertThatThrownBy(() -> client().describe(query())).isInstanceOf(VendorApiException.class)
                .hasMessageStartingWith("Alibaba source ali: DescribeProcessTasks failed: HTTP 400 InvalidParameter: bad\uFFFDmmm")
                .hasMessageEndingWith("q… )".replace(" )", ")"))
                .message().doesNotContain("\0").hasSizeLessThan(600);
    }

    /** Recomputes the signature from what arrived, as Alibaba does. */
    private static boolean verify(LoggedRequest request, String secret) {
        Matcher m = AUTHORIZATION.matcher(request.getHeader("Authorization"));
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1)).isEqualTo(KEY_ID);
        Map<String, String> headers = new TreeMap<>();
        for (String name : m.group(2).split(";")) {
            headers.put(name, request.getHeader(name));
        }
        assertThat(headers.keySet()).contains("host", "x-acs-action", "x-acs-version", "x-acs-date",
                "x-acs-signature-nonce", "x-acs-content-sha256");
        String canonical = AcsSigner.canonicalRequest("POST", "/", queryOf(request), AcsSigner.signedHeaders(headers),
                request.getHeader("x-acs-content-sha256"));
        return AcsSigner.signature(canonical, new AcsSigner.AccessKey(KEY_ID, secret)).equals(m.group(3));
    }

    private static List<String> signedHeaders(LoggedRequest request) {
        Matcher m = AUTHORIZATION.matcher(request.getHeader("Authorization"));
        assertThat(m.matches()).isTrue();
        return List.of(m.group(2).split(";"));
    }

    private static Map<String, String> queryOf(LoggedRequest request) {
        Map<String, String> query = new TreeMap<>();
        String raw = URI.create(request.getUrl()).getRawQuery();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
