package dev.taskruns.support;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** The admin API both built-in simulators share ({@code <base>/admin/...}), as tests drive it. */
public record SimulatorAdmin(String base) {

    /** Fresh data and state, and no rate limit unless a test switches it back on. */
    public void resetWithoutRateLimit() {
        given().post(base + "/admin/reset").then().statusCode(200);
        faults("{\"rateLimitPerSecond\": 0}");
    }

    /** Changes the fault switches sent (a JSON object), leaving the others as they are. */
    public void faults(Object settings) {
        given().contentType(ContentType.JSON).body(settings instanceof Map<?, ?> map ? Map.copyOf(map) : settings)
                .post(base + "/admin/faults").then().statusCode(200);
    }

    public void advance(long seconds) {
        given().queryParam("seconds", seconds).post(base + "/admin/advance").then().statusCode(200);
    }

    /** The simulated now. */
    public Instant now() {
        return Instant.parse(given().get(base + "/admin/clock").then().statusCode(200).extract().jsonPath().getString("now"));
    }

    /** Vendor calls the simulator answered since its last reset, whatever the answer. */
    public long calls() {
        return given().get(base + "/admin/calls").then().statusCode(200).extract().jsonPath().getLong("total");
    }

    public JsonPath groundTruth() {
        return given().get(base + "/admin/ground-truth").then().statusCode(200).extract().jsonPath();
    }
}
