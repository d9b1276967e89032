package dev.taskruns.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.taskruns.api.Authentication;
import dev.taskruns.api.Problem;
import dev.taskruns.config.EmbeddedDatabase;
import dev.taskruns.support.SimulatorAdmin;
import dev.taskruns.support.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 8, item 4: after a sync of both vendors, a failing source and every kind of problem answer,
 * no configured secret (ESET password, Alibaba AccessKey secret, database password, the bearer JWTs
 * sent) appears in any log line or any answer, in any encoding it could travel in.
 */
@QuarkusTest
@TestProfile(SecretsHygieneTest.Profile.class)
class SecretsHygieneTest {

    // Distinctive values, each with a plain core no encoding changes (found even if escaped in a way
    // not listed below) and characters that URL-encoding and JSON-escaping do change.
    static final String ESET_USER = "demo@example.com";
    static final String ESET_PASSWORD = "EsetPw-Q7v3K \"q\" \\b/s+p&a=1 ünï€";
    static final String ALIBABA_SECRET = "AliSk-K9m2W \"q\" \\b/s+p&a=2 é中";
    static final String DB_USER = "taskruns_secrets";
    static final String DB_PASSWORD = "DbPw-X4t8Z \"q\" \\b/s+p&a=3 ø";
    static final Path LOG_FILE = Path.of("target/secrets-hygiene.log");

    private static final SimulatorAdmin ALIBABA = new SimulatorAdmin("/simulator/alibaba");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(TestTokens.config());
            config.put("taskruns.simulator.eset.password", ESET_PASSWORD);
            config.put("taskruns.simulator.alibaba.access-key-secret", ALIBABA_SECRET);
            // every log record of the application, as it would be written, stack traces and causes included
            config.put("quarkus.log.level", "DEBUG");
            config.put("quarkus.log.min-level", "TRACE");
            config.put("quarkus.log.category.\"dev.taskruns\".level", "TRACE");
            config.put("quarkus.log.category.\"io.quarkus.rest.client\".level", "TRACE");
            config.put("quarkus.log.category.\"org.jboss.resteasy.reactive.client\".level", "TRACE");
            config.put("quarkus.log.category.\"io.vertx.core.http\".level", "TRACE");
            // (but not the wire log of this test's own client, RestAssured: it sends the tokens by design)
            config.put("quarkus.log.category.\"org.apache.http\".level", "INFO");
            config.put("quarkus.log.console.level", "INFO");
            config.put("quarkus.log.file.enabled", "true");
            config.put("quarkus.log.file.path", LOG_FILE.toString());
            config.put("quarkus.log.file.encoding", "UTF-8");
            config.put("quarkus.log.file.rotation.enabled", "false");
            config.put("quarkus.log.file.format", "%d %-5p [%c] (%t) %s%e%n");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DatabaseUserWithPassword.class));
        }
    }

    /**
     * The app's own role and database on the embedded server, with {@link #DB_PASSWORD}: the shared
     * postgres/postgres would be no needle. The embedded server trusts local connections, so a rule for
     * this role makes it prove its password: the app cannot start without really using it.
     */
    public static class DatabaseUserWithPassword implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String url = EmbeddedDatabase.startEphemeral();
            try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                    Statement sql = connection.createStatement()) {
                sql.execute("CREATE ROLE " + DB_USER + " LOGIN PASSWORD '" + DB_PASSWORD.replace("'", "''") + "'");
                sql.execute("CREATE DATABASE " + DB_USER + " OWNER " + DB_USER);
                Path hba;
                try (ResultSet file = sql.executeQuery("SHOW hba_file")) {
                    file.next();
                    hba = Path.of(file.getString(1));
                }
                Files.writeString(hba, "host all " + DB_USER + " all scram-sha-256\n" + Files.readString(hba));
                sql.execute("SELECT pg_reload_conf()");
                // a fresh file per run, before the application opens it
                Files.deleteIfExists(LOG_FILE);
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("Could not set up the database user", e);
            }
            return Map.of("quarkus.datasource.jdbc.url", url.substring(0, url.lastIndexOf('/') + 1) + DB_USER,
                    "quarkus.datasource.username", DB_USER,
                    "quarkus.datasource.password", DB_PASSWORD);
        }

        @Override
        public void stop() {
            // the server and its role go with the JVM
        }
    }

    @Inject
    SyncEngine engine;

    @ConfigProperty(name = "taskruns.sources.esim.eset.password")
    String esimPassword;

    @ConfigProperty(name = "taskruns.sources.asim.alibaba.access-key-secret")
    String asimSecret;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private final String readToken = TestTokens.token(Authentication.READ);
    private final String syncToken = TestTokens.token(Authentication.SYNC);
    private final Map<String, String> answers = new LinkedHashMap<>();

    @AfterEach
    void unmovedClock() {
        RestAssured.post("/simulator/alibaba/admin/reset").then().statusCode(200);
    }

    @Test
    void noSecretInAnyLogLineOrAnswer() throws IOException {
        // the needles are what the application really uses
        assertThat(esimPassword).isEqualTo(ESET_PASSWORD);
        assertThat(asimSecret).isEqualTo(ALIBABA_SECRET);
        assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl, DB_USER, "wrong").close())
                .as("the database checks the password").hasMessageContaining("password authentication failed");

        syncBothVendorsAndTheWrongSecret();
        collectAnswers();
        collectProblems();

        List<String> logLines = Files.readAllLines(LOG_FILE, StandardCharsets.UTF_8);
        Map<String, Map<String, String>> needles = needles();
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < logLines.size(); i++) {
            leaks.addAll(search(needles, "log line " + (i + 1), logLines.get(i)));
        }
        answers.forEach((where, text) -> leaks.addAll(search(needles, where, text)));
        System.out.printf("Secrets hygiene: searched %d log lines and %d answers (%d characters) for %d needles%n",
                logLines.size(), answers.size(), answers.values().stream().mapToInt(String::length).sum(),
                needles.values().stream().mapToInt(Map::size).sum());

        // not vacuous: the log holds the sync and its failure, the answers hold runs of both vendors
        assertThat(logLines).hasSizeGreaterThan(500)
                .anySatisfy(line -> assertThat(line).contains("DEBUG").contains("dev.taskruns"))
                .anySatisfy(line -> assertThat(line).contains("source=abad").contains("SignatureDoesNotMatch"));
        assertThat(answers).hasSizeGreaterThan(25);
        assertThat(leaks).as("secrets found in logs or answers").isEmpty();
    }

    @Test
    void theSearchFindsEverySecretAsRealEncodersWriteIt() throws URISyntaxException, JsonProcessingException {
        Map<String, Map<String, String>> needles = needles();
        ObjectMapper json = new ObjectMapper();
        ObjectMapper asciiJson = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        Map<String, String> secrets = Map.of("ESET password", ESET_PASSWORD, "Alibaba secret", ALIBABA_SECRET,
                "database password", DB_PASSWORD, "JWT", readToken);
        // as an Authorization header would carry each
        Map<String, String> headers = Map.of("ESET password", "Basic " + base64(ESET_USER + ":" + ESET_PASSWORD),
                "Alibaba secret", "Basic " + base64(ALIBABA_SECRET),
                "database password", "Basic " + base64(DB_USER + ":" + DB_PASSWORD), "JWT", "Bearer " + readToken);
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            String value = secret.getValue();
            List<String> samples = List.of("WARN something failed with " + value + " (cause)",
                    "grant_type=password&password=" + URLEncoder.encode(value, StandardCharsets.UTF_8),
                    new URI("http", "vendor.example", "/token", "secret=" + value, null).toASCIIString(),
                    json.writeValueAsString(Map.of("detail", value)),
                    asciiJson.writeValueAsString(Map.of("detail", value)),
                    "Authorization: " + headers.get(secret.getKey()));
            for (String sample : samples) {
                assertThat(search(needles, "sample", sample)).as(secret.getKey() + " in " + sample)
                        .anySatisfy(leak -> assertThat(leak).contains(secret.getKey()));
            }
        }
        assertThat(search(needles, "sample", "nothing secret here: demo-password test-key-secret")).isEmpty();
    }

    private void syncBothVendorsAndTheWrongSecret() {
        RestAssured.given().queryParam("seed", 7).queryParam("devices", 20).queryParam("tasks", 10)
                .post("/simulator/eset/admin/reset").then().statusCode(200);
        RestAssured.given().queryParam("seed", 11).queryParam("entities", 30).queryParam("tasks", 120)
                .post("/simulator/alibaba/admin/reset").then().statusCode(200);
        ALIBABA.faults(Map.of("rateLimitPerSecond", 0));
        // simulated time ahead of the wall clock, as in AlibabaSyncEndToEndTest (see TestClock)
        ALIBABA.advance(3600);

        EndToEnd.syncOnce(engine, "esim");
        EndToEnd.syncOnce(engine, "asim");
        // the failing one through the API, so the sync endpoint is part of it
        record("POST sources/abad/sync", as(syncToken).post("/api/v1/sources/abad/sync"), 202);
        EndToEnd.awaitIdle(engine, "abad");
    }

    private void collectAnswers() {
        walk("/api/v1/last-runs");
        walk("/api/v1/runs");
        Response sources = record("GET sources", as(readToken).get("/api/v1/sources"), 200);
        assertThat(sources.jsonPath().getString("find { it.id == 'abad' }.lastError")).contains("SignatureDoesNotMatch");
        for (String vendor : List.of("ESET", "ALIBABA")) {
            List<String> devices = as(readToken).queryParam("vendor", vendor).queryParam("limit", 3).get("/api/v1/last-runs")
                    .then().statusCode(200).extract().jsonPath().getList("items.deviceId");
            assertThat(devices).as(vendor + " devices").isNotEmpty();
            for (String device : devices) {
                record("GET devices/" + device + "/runs", as(readToken).get("/api/v1/devices/{id}/runs", device), 200);
                record("GET devices/" + device + "/last-run", as(readToken).get("/api/v1/devices/{id}/last-run", device), 200);
            }
        }
        for (String path : List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/health/live")) {
            record("GET " + path, RestAssured.get(path), 200);
        }
    }

    /** Every page of a list, each page an answer; both vendors must be in it. */
    private void walk(String path) {
        List<Object> vendors = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = as(readToken).queryParam("limit", 50);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = record("GET " + path + " page " + (vendors.size() / 50 + 1), request.get(path), 200);
            vendors.addAll(page.jsonPath().getList("items.vendor"));
            cursor = page.jsonPath().getString("nextCursor");
        } while (cursor != null);
        assertThat(vendors).contains("ESET", "ALIBABA");
    }

    private void collectProblems() {
        problem("400 bad parameters", as(readToken).queryParam("limit", -1).queryParam("startedAfter", "soon")
                .queryParam("status", "DONE").get("/api/v1/runs"), 400);
        problem("400 bad cursor", as(readToken).queryParam("cursor", "not-a-cursor").get("/api/v1/last-runs"), 400);
        problem("400 empty range", as(readToken).queryParam("startedAfter", "2026-11-02T00:00:00Z")
                .queryParam("startedBefore", "2026-11-01T00:00:00Z").get("/api/v1/runs"), 400);
        problem("401 no token", RestAssured.given().get("/api/v1/sources"), 401);
        for (Map.Entry<String, String> token : badTokens().entrySet()) {
            problem("401 " + token.getKey(), as(token.getValue()).get("/api/v1/sources"), 401);
        }
        problem("403 read with the sync role", as(syncToken).get("/api/v1/runs"), 403);
        problem("403 sync with the read role", as(readToken).post("/api/v1/sources/esim/sync"), 403);
        problem("404 device", as(readToken).get("/api/v1/devices/nobody/last-run"), 404);
        problem("404 source", as(syncToken).post("/api/v1/sources/nosuch/reread"), 404);
        problem("404 path", as(readToken).get("/api/v1/nothing-here"), 404);
        problem("405 method", as(readToken).delete("/api/v1/runs"), 405);
        problem("409 disabled source", as(syncToken).post("/api/v1/sources/alpha/sync"), 409);
    }

    private void problem(String where, Response response, int status) {
        record(where, response, status).then().contentType(Problem.MEDIA_TYPE);
    }

    private Response record(String where, Response response, int status) {
        response.then().statusCode(status);
        answers.put(where, response.getStatusLine() + "\n" + response.getHeaders() + "\n\n" + response.asString());
        return response;
    }

    private static RequestSpecification as(String token) {
        return RestAssured.given().auth().oauth2(token);
    }

    private Map<String, String> badTokens() {
        return Map.of("expired", TestTokens.expired(Authentication.READ),
                "another key", TestTokens.signedWithAnotherKey(Authentication.READ),
                "another issuer", TestTokens.fromAnotherIssuer(Authentication.READ));
    }

    /** Per secret (by name), each form it could travel in (by form name). */
    private Map<String, Map<String, String>> needles() {
        Map<String, Map<String, String>> needles = new LinkedHashMap<>();
        needles.put("ESET password", forms(ESET_PASSWORD, ESET_USER));
        needles.put("Alibaba secret", forms(ALIBABA_SECRET, null));
        needles.put("database password", forms(DB_PASSWORD, DB_USER));
        Map<String, String> tokens = new LinkedHashMap<>(badTokens());
        tokens.put("read", readToken);
        tokens.put("sync", syncToken);
        // a JWT is base64url: no encoding changes it; its signature alone is what makes it a credential
        tokens.forEach((name, token) -> needles.put("JWT (" + name + ")",
                Map.of("raw", token, "signature", token.substring(token.lastIndexOf('.') + 1))));
        return needles;
    }

    private static Map<String, String> forms(String secret, String user) {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("raw", secret);
        forms.put("core", secret.substring(0, secret.indexOf(' ')));
        forms.put("URL-encoded (form)", URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.put("URL-encoded (RFC 3986)", URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
        forms.put("JSON-escaped", jsonEscaped(secret, c -> c < 0x20 ? String.format("\\u%04x", (int) c) : null));
        forms.put("JSON-escaped (ASCII)", jsonEscaped(secret,
                c -> c == '/' ? "\\/" : c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : null));
        forms.put("base64", base64(secret));
        if (user != null) {
            forms.put("Basic credentials", base64(user + ":" + secret));
        }
        return forms;
    }

    /** {@code "} and {@code \} escaped, other characters as {@code extra} says (null: as they are). */
    private static String jsonEscaped(String value, Function<Character, String> extra) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            String replacement = c == '"' || c == '\\' ? "\\" + c : extra.apply(c);
            escaped.append(replacement != null ? replacement : String.valueOf(c));
        }
        return escaped.toString();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Where each needle occurs in {@code text}, named (never the secret itself, which must not reach the report either). */
    private static List<String> search(Map<String, Map<String, String>> needles, String where, String text) {
        List<String> found = new ArrayList<>();
        needles.forEach((secret, forms) -> forms.forEach((form, needle) -> {
            if (text.contains(needle)) {
                found.add(secret + " (" + form + ") in " + where);
            }
        }));
        return found;
    }
}
