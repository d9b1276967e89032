package dev.taskruns.config;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Points the datasource at the embedded PostgreSQL when {@code taskruns.embedded-postgres.enabled=true}
 * (set by the demo profile). A config source rather than a start-up bean because the
 * datasource and Flyway read their URL before any bean runs. Refuses the prod profile outright, so a
 * deployment can never fall back to a local database: there the QUARKUS_DATASOURCE_* variables are required.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {

    /** Below application.properties (250), env (300) and system properties: an explicit URL always wins. */
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue enabled = context.getValue("taskruns.embedded-postgres.enabled");
        boolean prod = context.getProfiles().isEmpty() || context.getProfiles().contains("prod");
        if (prod || enabled == null || !Boolean.parseBoolean(enabled.getValue())) {
            return List.of();
        }
        // The Quarkus build reads configuration too: no database for it (and its URL must not be
        // recorded into the packaged app, which would then dial a server that died with the build).
        if (ExecutionMode.current() == ExecutionMode.UNSET) {
            return List.of();
        }
        ConfigValue dir = context.getValue("taskruns.embedded-postgres.data-dir");
        Path dataDir = Path.of(dir != null && dir.getValue() != null ? dir.getValue() : "target/embedded-postgres");
        String url = EmbeddedDatabase.start(dataDir);
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres"), "EmbeddedPostgres", ORDINAL));
    }
}
