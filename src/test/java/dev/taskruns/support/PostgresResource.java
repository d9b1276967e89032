package dev.taskruns.support;

import dev.taskruns.config.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Real PostgreSQL 17 for the tests (embedded, no Docker): one throw-away server per test JVM,
 * shared by every test class; the packaged-app test gets the same URL.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.datasource.jdbc.url", EmbeddedDatabase.startEphemeral(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        // the server outlives single test classes; a shutdown hook stops it with the JVM
    }
}
