package dev.taskruns.config;

import dev.taskruns.connector.alibaba.AlibabaSourceRules;
import dev.taskruns.connector.alibaba.AlibabaSourcesConfig;
import dev.taskruns.connector.eset.EsetSourceRules;
import dev.taskruns.connector.eset.EsetSourcesConfig;
import dev.taskruns.support.TestConfig;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Source configuration as deployments give it: environment variables alone, validated at start by every vendor's rules. */
class SourcesTest {

    @Test
    void environmentVariablesAloneDeclareSources() {
        Sources sources = fromEnv(Map.of(
                "TASKRUNS_SOURCES_ESETEU_VENDOR", "eset",
                "TASKRUNS_SOURCES_ESETEU_ESET_REGION", "eu",
                "TASKRUNS_SOURCES_ESETEU_ESET_USERNAME", "api@example.com",
                "TASKRUNS_SOURCES_ESETEU_ESET_PASSWORD", "secret",
                "TASKRUNS_SOURCES_ESETEU_POLL_INTERVAL", "30s",
                "TASKRUNS_SOURCES_ALI1_VENDOR", "alibaba",
                "TASKRUNS_SOURCES_ALI1_ENABLED", "false",
                "TASKRUNS_SOURCES_ALI1_ALIBABA_ACCESS_KEY_ID", "id",
                "TASKRUNS_SOURCES_ALI1_ALIBABA_ACCESS_KEY_SECRET", "key"));

        assertThat(sources.all()).extracting(SourceDefinition::id).containsExactly("ali1", "eseteu");
        SourceDefinition eset = sources.find("eseteu").orElseThrow();
        assertThat(eset.vendor()).isEqualTo(Vendor.ESET);
        assertThat(eset.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        SourceDefinition alibaba = sources.find("ali1").orElseThrow();
        assertThat(alibaba.enabled()).isFalse();
        assertThat(alibaba.pollInterval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aMissingCredentialStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> fromEnv(Map.of(
                "TASKRUNS_SOURCES_ESETEU_VENDOR", "eset",
                "TASKRUNS_SOURCES_ESETEU_ESET_REGION", "eu",
                "TASKRUNS_SOURCES_ESETEU_ESET_USERNAME", "api@example.com",
                "TASKRUNS_SOURCES_ALI_VENDOR", "alibaba",
                "TASKRUNS_SOURCES_ALI_ALIBABA_ACCESS_KEY_ID", "id")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("taskruns.sources.eseteu.eset.password is missing")
                .hasMessageContaining("TASKRUNS_SOURCES_ESETEU_ESET_PASSWORD")
                .hasMessageContaining("taskruns.sources.ali.alibaba.access-key-secret is missing");
    }

    @Test
    void anUnknownVendorStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> fromProperties(Map.of("taskruns.sources.edr.vendor", "crowdstrike")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("taskruns.sources.edr.vendor 'crowdstrike' is unknown");
        assertThatThrownBy(() -> fromProperties(Map.of("taskruns.sources.edr.enabled", "true")))
                .hasMessageContaining("taskruns.sources.edr.vendor is missing");
    }

    @Test
    void regionOrBothUrlsAreRequiredForEset() {
        Map<String, String> base = Map.of(
                "taskruns.sources.e.vendor", "eset",
                "taskruns.sources.e.eset.username", "u",
                "taskruns.sources.e.eset.password", "p");
        assertThatThrownBy(() -> fromProperties(base)).hasMessageContaining("taskruns.sources.e.eset.region is missing");
        assertThatThrownBy(() -> fromProperties(with(base, "taskruns.sources.e.eset.region", "mars")))
                .hasMessageContaining("taskruns.sources.e.eset.region 'mars' is unknown");
        Sources explicit = fromProperties(with(with(base, "taskruns.sources.e.eset.automation-url", "http://127.0.0.1:9001"),
                "taskruns.sources.e.eset.token-url", "http://127.0.0.1:9001/oauth/token"));
        assertThat(explicit.exists("e")).isTrue();
    }

    @Test
    void sourceIdsThatWouldBeAmbiguousAsEnvironmentVariablesAreRefused() {
        assertThatThrownBy(() -> fromProperties(Map.of(
                "taskruns.sources.\"eset-eu\".vendor", "alibaba",
                "taskruns.sources.\"eset-eu\".alibaba.access-key-id", "id",
                "taskruns.sources.\"eset-eu\".alibaba.access-key-secret", "key")))
                .hasMessageContaining("taskruns.sources.eset-eu: source id must match [a-z][a-z0-9]{0,39}");
    }

    @Test
    void aBadAlibabaEndpointIsNamed() {
        assertThatThrownBy(() -> fromProperties(Map.of(
                "taskruns.sources.ali.vendor", "alibaba",
                "taskruns.sources.ali.alibaba.endpoint", "sophonsoar.aliyuncs.com",
                "taskruns.sources.ali.alibaba.access-key-id", "id",
                "taskruns.sources.ali.alibaba.access-key-secret", "key")))
                .hasMessageContaining("taskruns.sources.ali.alibaba.endpoint 'sophonsoar.aliyuncs.com' is not an http(s) URL");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        return TestConfig.with(base, key, value);
    }

    private static Sources fromEnv(Map<String, String> env) {
        return sources(new SmallRyeConfigBuilder().withSources(new EnvConfigSource(env, 300)));
    }

    private static Sources fromProperties(Map<String, String> properties) {
        return sources(new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 250)));
    }

    /** Every vendor's own rules, bound from the same configuration, as in the running service. */
    private static Sources sources(SmallRyeConfigBuilder builder) {
        // Quarkus' own converter for "60s"-style durations, as in the running application
        SmallRyeConfig config = builder.withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(TaskrunsConfig.class).withMapping(EsetSourcesConfig.class)
                .withMapping(AlibabaSourcesConfig.class).build();
        return new Sources(config.getConfigMapping(TaskrunsConfig.class), List.of(
                new EsetSourceRules(config.getConfigMapping(EsetSourcesConfig.class)),
                new AlibabaSourceRules(config.getConfigMapping(AlibabaSourcesConfig.class))));
    }
}
