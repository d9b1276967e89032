package dev.taskruns.api;

import dev.taskruns.support.AuthenticationOn;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade with authentication on, as in production: bearer JWTs, roles from the groups claim. */
@QuarkusTest
@TestProfile(AuthenticationOn.class)
@WithTestResource(PostgresResource.class)
class AuthenticationTest {

    private static RequestSpecification as(String token) {
        return RestAssured.given().auth().oauth2(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/last-runs", "/api/v1/runs", "/api/v1/devices/d1/runs", "/api/v1/sources",
            "/api/v1/sources/alpha/cycles", "/api/v1/changes"})
    void everyReadNeedsATokenWithTheReadRole(String path) {
        RestAssured.get(path).then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("type", equalTo("urn:taskruns:problem:unauthorized"));
        as(TestTokens.token(Authentication.SYNC)).get(path).then().statusCode(403).contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", containsString("insufficient_scope"))
                .body("type", equalTo("urn:taskruns:problem:forbidden"));
        as(TestTokens.token(Authentication.READ)).get(path).then().statusCode(200);
    }

    /** The stream checks the token before it starts: a problem answer, not an event stream. */
    @Test
    void theChangeStreamNeedsTheReadRoleToo() {
        RestAssured.given().accept("text/event-stream").get("/api/v1/changes").then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE);
        as(TestTokens.token(Authentication.SYNC)).accept("text/event-stream").get("/api/v1/changes").then()
                .statusCode(403).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void aDeviceLastRunIsARead() {
        as(TestTokens.token(Authentication.READ)).get("/api/v1/devices/nobody/last-run").then().statusCode(404);
    }

    @Test
    void tokensThatDoNotVerifyAre401() {
        for (String token : new String[] {TestTokens.expired(Authentication.READ), TestTokens.fromAnotherIssuer(Authentication.READ),
                TestTokens.signedWithAnotherKey(Authentication.READ), "not.a.jwt"}) {
            as(token).get("/api/v1/sources").then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("detail", not(containsString(token)));
        }
    }

    @Test
    void aVerifiedTokenIsRemembered() {
        String token = TestTokens.token(Authentication.READ);
        double hits = tokenCacheHits();
        as(token).get("/api/v1/sources").then().statusCode(200);
        as(token).get("/api/v1/sources").then().statusCode(200);
        assertTrue(tokenCacheHits() >= hits + 1, "the second call reuses the verified token");
    }

    private static double tokenCacheHits() {
        Matcher hits = Pattern.compile("^cache_gets_total\\{cache=\"verified-tokens\",result=\"hit\",?} (\\S+)$",
                Pattern.MULTILINE).matcher(RestAssured.get("/q/metrics").asString());
        return hits.find() ? Double.parseDouble(hits.group(1)) : 0;
    }

    @Test
    void startingCyclesNeedsTheSyncRole() {
        for (String path : new String[] {"/api/v1/sources/alpha/sync", "/api/v1/sources/alpha/reread"}) {
            RestAssured.post(path).then().statusCode(401).contentType(Problem.MEDIA_TYPE);
            as(TestTokens.token(Authentication.READ)).post(path).then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        }
        // with the role, the call itself answers: alpha is disabled (409); reread of an unknown source is 404
        as(TestTokens.token(Authentication.SYNC)).post("/api/v1/sources/alpha/sync").then().statusCode(409);
        as(TestTokens.token(Authentication.SYNC)).post("/api/v1/sources/nosuch/reread").then().statusCode(404);
    }

    @Test
    void healthMetricsAndOpenApiStayOpenAndOpenApiDocumentsTheScheme() {
        RestAssured.get("/q/health/ready").then().statusCode(200);
        RestAssured.get("/q/metrics").then().statusCode(200);
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes", hasKey("SecurityScheme"))
                .body("components.securitySchemes.SecurityScheme.scheme", equalTo("bearer"))
                .body("paths.'/api/v1/last-runs'.get.security", not(equalTo(null)));
    }
}
