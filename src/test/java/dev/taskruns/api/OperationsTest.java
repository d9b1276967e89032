package dev.taskruns.api;

import dev.taskruns.store.RunStore;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class OperationsTest {

    @Inject
    Database db;

    @Inject
    RunStore store;

    @Test
    void sourcesComeFromConfigurationWithTheirStoredState() {
        FacadeFixture.load(db, store);
        RestAssured.get("/api/v1/sources").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.contains("abad", "alpha", "asim", "beta", "esim", "gamma"))
                .body("find { it.id == 'alpha' }.vendor", equalTo("ESET"))
                .body("find { it.id == 'alpha' }.runsStored", equalTo(5))
                .body("find { it.id == 'alpha' }.enabled", equalTo(false))
                .body("find { it.id == 'gamma' }.vendor", equalTo("ALIBABA"))
                .body("find { it.id == 'gamma' }.enabled", equalTo(true))
                .body("find { it.id == 'gamma' }.state", equalTo("IDLE"))
                .body("find { it.id == 'gamma' }.lastError", nullValue())
                .body("find { it.id == 'gamma' }.lastSyncStartedAt", nullValue());
    }

    @Test
    void cycleHistoryNamesAnUnknownSourceAndABadLimit() {
        RestAssured.get("/api/v1/sources/nosuch/cycles").then().statusCode(404).contentType("application/problem+json");
        RestAssured.given().queryParam("limit", "500").get("/api/v1/sources/alpha/cycles").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].parameter", equalTo("limit"));
        RestAssured.get("/api/v1/sources/alpha/cycles").then().statusCode(200).body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void readyOnlyWithTheDatabaseUpAndMigrated() {
        RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database migrations"))
                .body("checks.find { it.name == 'Database migrations' }.data.pending", equalTo(0))
                // whether PostgreSQL answers now: the datasource's own check (migrations are asked once)
                .body("checks.name", hasItem("Database connections health check"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        RestAssured.get("/api/v1/sources").then().statusCode(200);
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count{"))
                .body(containsString("uri=\"/api/v1/sources\""));
    }

    @Test
    void everyEndpointIsDocumentedInOpenApi() {
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/last-runs"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/devices/{deviceId}/last-run"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/devices/{deviceId}/runs"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/runs"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/sources"))
                .body("components.schemas", org.hamcrest.Matchers.hasKey("Run"))
                .body("components.schemas", org.hamcrest.Matchers.hasKey("Problem"))
                .body("paths.'/api/v1/last-runs'.get.parameters.name", hasItem("cursor"));
    }
}
