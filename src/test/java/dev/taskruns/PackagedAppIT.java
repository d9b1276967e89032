package dev.taskruns;

import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

/** The packaged application (prod profile, as deployed) against real PostgreSQL. */
@QuarkusIntegrationTest
@WithTestResource(PostgresResource.class)
class PackagedAppIT {

    @Test
    void startsMigratedAndReady() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void servesTheFacade() {
        RestAssured.get("/api/v1/last-runs").then().statusCode(200).body("nextCursor", equalTo(null));
        RestAssured.get("/api/v1/sources").then().statusCode(200);
        RestAssured.get("/api/v1/runs?limit=5000").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].parameter", equalTo("limit"));
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/last-runs"));
    }

    @Test
    void shipsNoVendorSimulator() {
        RestAssured.get("/simulator/eset/v1/device_tasks").then().statusCode(404);
        RestAssured.post("/simulator/alibaba/").then().statusCode(404);
        RestAssured.given().header("x-acs-action", "DescribeProcessTasks").post("/").then().statusCode(404);
    }
}
