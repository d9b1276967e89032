package dev.taskruns.sync;

import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** With every worker busy a cycle is refused, never queued holding a connection and a lock. */
@QuarkusTest
@TestProfile(SyncEngineBusyTest.OneWorker.class)
@WithTestResource(PostgresResource.class)
class SyncEngineBusyTest {

    public static class OneWorker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("taskruns.sync.max-concurrent-sources", "1");
        }
    }

    @Inject
    SyncEngine engine;

    @Inject
    ScriptedConnector connector;

    @Test
    void aSecondSourceIsRefusedWhileTheOnlyWorkerIsBusy() throws InterruptedException {
        ScriptedConnector.Gate gate = connector.hold((source, context) -> { });
        try {
            assertThat(engine.trigger("gamma")).isEqualTo(SyncEngine.Start.STARTED);
            assertThat(gate.entered()).isTrue();

            RestAssured.post("/api/v1/sources/esim/sync").then().statusCode(409)
                    .contentType("application/problem+json").body("detail", containsString("busy"));
            assertThat(engine.isRunning("esim")).isFalse();
        } finally {
            gate.open();
            connector.script((source, context) -> { });
        }
    }
}
