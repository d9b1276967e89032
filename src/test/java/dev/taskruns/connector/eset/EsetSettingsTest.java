package dev.taskruns.connector.eset;

import dev.taskruns.config.TaskrunsConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code taskruns.eset.*} keys bind next to the {@code taskruns.*} mapping, with the documented defaults. */
class EsetSettingsTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                // Quarkus' own converter: it reads "24h", "500ms" as the running service does
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(TaskrunsConfig.class)
                .withMapping(EsetSettings.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
    }

    @Test
    void defaults() {
        EsetSettings settings = config(Map.of()).getConfigMapping(EsetSettings.class);

        assertThat(settings.pageSize()).isEqualTo(1000);
        assertThat(settings.requestsPerSecond()).isEqualTo(9);
        assertThat(settings.maxAttempts()).isEqualTo(4);
        assertThat(settings.settledHorizon()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.settledRecheck()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.deviceNameTtl()).isEqualTo(Duration.ofHours(6));
        assertThat(settings.pollDelay()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void overridesBindBesideTheSourceMapping() {
        SmallRyeConfig config = config(Map.of(
                "taskruns.eset.settled-horizon", "12h",
                "taskruns.eset.requests-per-second", "5",
                "taskruns.sources.eseteu.vendor", "eset"));

        assertThat(config.getConfigMapping(EsetSettings.class).settledHorizon()).isEqualTo(Duration.ofHours(12));
        assertThat(config.getConfigMapping(EsetSettings.class).requestsPerSecond()).isEqualTo(5);
        assertThat(config.getConfigMapping(TaskrunsConfig.class).sources()).containsOnlyKeys("eseteu");
    }
}
