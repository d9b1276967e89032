package dev.taskruns;

import dev.taskruns.api.Authentication;
import dev.taskruns.support.AuthenticationOn;
import dev.taskruns.support.ManagementPort;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

/** The packaged application (prod profile, as deployed) against real PostgreSQL. */
@QuarkusIntegrationTest
@WithTestResource(PostgresResource.class)
@WithTestResource(AuthenticationOn.class)
@WithTestResource(ManagementPort.class)
class PackagedAppIT {

    @Test
    void startsMigratedAndReady() {
        management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** Consumers reach the API port only: health, metrics and OpenAPI answer on the management port. */
    @Test
    void servesOperationsOnTheManagementPortOnly() {
        for (String path : List.of("/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            RestAssured.get(path).then().statusCode(404);
            management().get(path).then().statusCode(200);
        }
        management().get("/q/metrics").then().body(containsString("http_server_requests_seconds"));
        management().accept("application/json").get("/q/openapi").then()
                .body("paths", hasKey("/api/v1/last-runs"))
                .body("components.securitySchemes.SecurityScheme.scheme", equalTo("bearer"));
    }

    @Test
    void servesTheFacadeToTokensWithTheRole() {
        RestAssured.get("/api/v1/last-runs").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        RequestSpecification reader = RestAssured.given().auth().oauth2(TestTokens.token(Authentication.READ));
        reader.get("/api/v1/last-runs").then().statusCode(200).body("nextCursor", equalTo(null));
        reader.get("/api/v1/sources").then().statusCode(200);
        reader.post("/api/v1/sources/nosuch/sync").then().statusCode(403).contentType("application/problem+json");
        reader.get("/api/v1/runs?limit=5000").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].parameter", equalTo("limit"));
    }

    private static RequestSpecification management() {
        return RestAssured.given().port(ManagementPort.port());
    }

    @Test
    void shipsNoVendorSimulator() {
        RestAssured.get("/simulator/eset/v1/device_tasks").then().statusCode(404);
        RestAssured.post("/simulator/alibaba/").then().statusCode(404);
        RestAssured.given().header("x-acs-action", "DescribeProcessTasks").post("/").then().statusCode(404);
    }

    /** Not merely switched off: the simulators' classes (src/simulator) are only built into tests and the demo. */
    @Test
    void theApplicationJarHoldsNoSimulatorClass() throws IOException {
        List<String> simulatorEntries = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target/quarkus-app/app"), "*.jar")) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    file.stream().filter(entry -> !entry.isDirectory()).map(JarEntry::getName)
                            .filter(name -> name.contains("/simulator/")).forEach(simulatorEntries::add);
                }
            }
        }
        assertThat(simulatorEntries).isEmpty();
    }
}
