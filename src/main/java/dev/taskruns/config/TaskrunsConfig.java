package dev.taskruns.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code taskruns.*}. Sources are a map keyed by source id so that environment
 * variables alone ({@code TASKRUNS_SOURCES_ESETEU_VENDOR=eset}) can declare them.
 * The keys of a source's vendor ({@code taskruns.sources.<id>.eset.*}, {@code ...alibaba.*}) are mapped
 * and checked by that vendor's connector ({@link VendorSourceRules}); {@link Sources} names every
 * missing or bad key of every source in one message.
 */
@ConfigMapping(prefix = "taskruns")
public interface TaskrunsConfig {

    Map<String, SourceConfig> sources();

    /** Read by {@link EmbeddedDatabaseConfigSourceFactory} before beans exist; declared here to be documented and checked. */
    EmbeddedPostgresConfig embeddedPostgres();

    interface EmbeddedPostgresConfig {
        /** Start an embedded PostgreSQL (demo profile only; ignored in prod). */
        @WithDefault("false")
        boolean enabled();

        /** Where its data lives, kept across restarts. */
        @WithDefault("target/embedded-postgres")
        String dataDir();
    }

    interface SourceConfig {
        /** {@code eset} or {@code alibaba}; kept as text so an unknown value gets our own message. */
        Optional<String> vendor();

        @WithDefault("true")
        boolean enabled();

        @WithDefault("60s")
        Duration pollInterval();
    }
}
