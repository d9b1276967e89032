package dev.taskruns.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code taskruns.*}. Sources are a map keyed by source id so that environment
 * variables alone ({@code TASKRUNS_SOURCES_ESETEU_VENDOR=eset}) can declare them.
 * Values a source needs depend on its vendor, so they are optional here and checked together by
 * {@link Sources}, which names every missing or bad key in one message.
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

        EsetConfig eset();

        AlibabaConfig alibaba();
    }

    interface EsetConfig {
        /** eu|de|us|jpn|ca: derives the automation and token URLs. */
        Optional<String> region();

        Optional<URI> automationUrl();

        /** Full URL of the {@code /oauth/token} endpoint. */
        Optional<URI> tokenUrl();

        /** Device-management API, used best effort for device display names. */
        Optional<URI> deviceManagementUrl();

        Optional<String> username();

        Optional<String> password();
    }

    interface AlibabaConfig {
        @WithDefault("https://sophonsoar.aliyuncs.com")
        URI endpoint();

        Optional<String> accessKeyId();

        Optional<String> accessKeySecret();
    }
}
