package dev.taskruns.support;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings for the packaged application run as a process of its own (ChaosIT, ConsoleIT), syncing from
 * the vendor simulators that the {@code @QuarkusTest} app serves; the credentials are the simulators' own.
 */
public final class SimulatorSources {

    private SimulatorSources() {
    }

    /** The database at {@code jdbcUrl} on the embedded test server. */
    public static Map<String, String> database(String jdbcUrl) {
        return Map.of("quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    /** An ESET Connect source on the ESET simulator of {@code simulators} ({@code http://host:port}). */
    public static Map<String, String> eset(String id, String simulators, Duration pollInterval) {
        Config config = ConfigProvider.getConfig();
        Map<String, String> p = source(id, "eset", pollInterval);
        String source = "taskruns.sources." + id + ".eset.";
        p.put(source + "automation-url", simulators + "/simulator/eset");
        p.put(source + "device-management-url", simulators + "/simulator/eset");
        p.put(source + "token-url", simulators + "/simulator/eset/oauth/token");
        p.put(source + "username", config.getValue("taskruns.simulator.eset.username", String.class));
        p.put(source + "password", config.getValue("taskruns.simulator.eset.password", String.class));
        return p;
    }

    /** An Alibaba source on the Alibaba simulator of {@code simulators} ({@code http://host:port}). */
    public static Map<String, String> alibaba(String id, String simulators, Duration pollInterval) {
        Config config = ConfigProvider.getConfig();
        Map<String, String> p = source(id, "alibaba", pollInterval);
        String source = "taskruns.sources." + id + ".alibaba.";
        p.put(source + "endpoint", simulators);
        p.put(source + "access-key-id", config.getValue("taskruns.simulator.alibaba.access-key-id", String.class));
        p.put(source + "access-key-secret", config.getValue("taskruns.simulator.alibaba.access-key-secret", String.class));
        return p;
    }

    private static Map<String, String> source(String id, String vendor, Duration pollInterval) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("taskruns.sources." + id + ".vendor", vendor);
        p.put("taskruns.sources." + id + ".poll-interval", pollInterval.toMillis() + "ms");
        return p;
    }
}
