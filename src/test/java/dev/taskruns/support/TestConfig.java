package dev.taskruns.support;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Configuration for tests that build beans by hand: the real {@code @ConfigMapping} interfaces bound
 * by SmallRye Config from given properties, with their defaults and Quarkus' duration syntax
 * ("500ms", "24h"), exactly as the running service binds them.
 */
public final class TestConfig {

    private TestConfig() {
    }

    public static SmallRyeConfig of(Map<String, String> properties, Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 250));
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        return builder.build();
    }

    /** One mapping bound from {@code properties}. */
    public static <T> T mapping(Class<T> mapping, Map<String, String> properties) {
        return of(properties, mapping).getConfigMapping(mapping);
    }

    /** {@code base} with {@code key=value} added or replaced. */
    public static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
