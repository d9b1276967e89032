package dev.taskruns.config;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The configured sources, validated once at start-up. A bad source stops the service with one
 * message naming every offending key (fail fast, never half-start).
 */
@Startup
@ApplicationScoped
public class Sources {

    /** No dashes, dots or underscores: they make environment variable names ambiguous. */
    static final Pattern ID = Pattern.compile("[a-z][a-z0-9]{0,39}");

    private final Map<String, SourceDefinition> byId;

    public Sources(TaskrunsConfig config) {
        List<String> problems = new ArrayList<>();
        Map<String, SourceDefinition> defined = new LinkedHashMap<>();
        new TreeMap<>(config.sources()).forEach((id, source) ->
                validate(id, source, problems).ifPresent(def -> defined.put(id, def)));
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Invalid source configuration:\n  - " + String.join("\n  - ", problems));
        }
        this.byId = Collections.unmodifiableMap(defined);
    }

    static Optional<SourceDefinition> validate(String id, TaskrunsConfig.SourceConfig source, List<String> problems) {
        String prefix = "taskruns.sources." + id + ".";
        int before = problems.size();
        if (!ID.matcher(id).matches()) {
            problems.add("taskruns.sources." + id + ": source id must match " + ID.pattern());
        }
        if (source.pollInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(prefix + "poll-interval must be at least 1s, got " + source.pollInterval());
        }
        Optional<Vendor> vendor = source.vendor().flatMap(Vendor::find);
        if (source.vendor().isEmpty()) {
            problems.add(prefix + "vendor is missing (eset|alibaba)");
        } else if (vendor.isEmpty()) {
            problems.add(prefix + "vendor '" + source.vendor().get() + "' is unknown (eset|alibaba)");
        } else {
            switch (vendor.get()) {
                case ESET -> {
                    TaskrunsConfig.EsetConfig eset = source.eset();
                    require(problems, prefix + "eset.username", eset.username());
                    require(problems, prefix + "eset.password", eset.password());
                    if (eset.region().isEmpty() && (eset.automationUrl().isEmpty() || eset.tokenUrl().isEmpty())) {
                        problems.add(prefix + "eset.region is missing (eu|de|us|jpn|ca), "
                                + "or set both eset.automation-url and eset.token-url");
                    }
                    eset.region().filter(r -> !EsetRegions.isKnown(r)).ifPresent(r ->
                            problems.add(prefix + "eset.region '" + r + "' is unknown (" + EsetRegions.NAMES + ")"));
                }
                case ALIBABA -> {
                    require(problems, prefix + "alibaba.access-key-id", source.alibaba().accessKeyId());
                    require(problems, prefix + "alibaba.access-key-secret", source.alibaba().accessKeySecret());
                }
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new SourceDefinition(id, vendor.get(), source.enabled(), source.pollInterval(), source));
    }

    private static void require(List<String> problems, String key, Optional<String> value) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(key + " is missing (environment variable " + key.toUpperCase().replace('.', '_').replace('-', '_') + ")");
        }
    }

    public Collection<SourceDefinition> all() {
        return byId.values();
    }

    public Optional<SourceDefinition> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public boolean exists(String id) {
        return byId.containsKey(id);
    }
}
