package dev.taskruns.connector.eset.simulator;

import dev.taskruns.support.SimulatorAdmin;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Drives the simulator the way a client and a test harness do. */
final class SimulatorApi {

    static final String BASE = "/simulator/eset";
    static final SimulatorAdmin ADMIN = new SimulatorAdmin(BASE);
    static final String USERNAME = "demo@example.com";
    static final String PASSWORD = "demo-password";

    private SimulatorApi() {
    }

    /** Fresh data and state, and no rate limit unless a test switches it back on. */
    static void resetWithoutRateLimit() {
        ADMIN.resetWithoutRateLimit();
    }

    static void faults(String json) {
        ADMIN.faults(json);
    }

    static void advance(long seconds) {
        ADMIN.advance(seconds);
    }

    static JsonPath groundTruth() {
        return ADMIN.groundTruth();
    }

    static Response passwordGrant(String username, String password) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("username", username).formParam("password", password)
                .post(BASE + "/oauth/token");
    }

    static Response refreshGrant(String refreshToken) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken)
                .post(BASE + "/oauth/token");
    }

    static String accessToken() {
        return passwordGrant(USERNAME, PASSWORD).then().statusCode(200).extract().path("access_token");
    }

    static RequestSpecification authorized(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static Response get(String token, String path, Map<String, ?> query) {
        return authorized(token).queryParams(query).get(BASE + path);
    }

    /** Every page of a listing; asserts each page answers 200 with a request-id. */
    static List<Map<String, Object>> walk(String token, String path, String items, Map<String, Object> query) {
        List<Map<String, Object>> all = new ArrayList<>();
        String pageToken = "";
        do {
            Response page = authorized(token).queryParams(query).queryParam("pageToken", pageToken).get(BASE + path);
            assertThat(page.statusCode()).as("%s %s", path, page.body().asString()).isEqualTo(200);
            assertThat(page.header("request-id")).isNotBlank();
            all.addAll(page.jsonPath().getList(items));
            pageToken = page.jsonPath().getString("nextPageToken");
        } while (!pageToken.isEmpty());
        return all;
    }
}
