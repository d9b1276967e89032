package dev.taskruns.connector.eset;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import dev.taskruns.support.TestConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** ESET settings and sources for hand-built clients, bound from properties like the service binds them. */
final class EsetTestConfig {

    /**
     * The production defaults, with retries and polls that wait milliseconds, and every page committed
     * on its own (so tests see the pages ESET serves; EsetConnectorTest covers gathering them).
     */
    static final Map<String, String> SETTINGS = Map.of(
            "taskruns.eset.commit-runs", "0",
            "taskruns.eset.requests-per-second", "10",
            "taskruns.eset.retry-delay", "100ms",
            "taskruns.eset.max-polls", "5",
            "taskruns.eset.poll-delay", "10ms",
            "taskruns.eset.max-poll-delay", "40ms",
            "taskruns.eset.connect-timeout", "2s",
            "taskruns.eset.read-timeout", "5s");

    private EsetTestConfig() {
    }

    static EsetSettings settings() {
        return settings(Map.of());
    }

    /** {@link #SETTINGS} with {@code overrides}, e.g. {@code taskruns.eset.page-size}. */
    static EsetSettings settings(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(SETTINGS);
        properties.putAll(overrides);
        return TestConfig.mapping(EsetSettings.class, properties);
    }

    /** Source {@code id} with every URL on {@code baseUrl} (token endpoint at {@code /oauth/token}). */
    static EsetSourceRules sources(String id, String baseUrl, String username, String password) {
        String prefix = "taskruns.sources." + id + ".eset.";
        return new EsetSourceRules(TestConfig.mapping(EsetSourcesConfig.class, Map.of(
                prefix + "automation-url", baseUrl,
                prefix + "token-url", baseUrl + "/oauth/token",
                prefix + "device-management-url", baseUrl,
                prefix + "username", username,
                prefix + "password", password)));
    }

    static SourceDefinition source(String id) {
        return new SourceDefinition(id, Vendor.ESET, true, Duration.ofSeconds(60));
    }
}
