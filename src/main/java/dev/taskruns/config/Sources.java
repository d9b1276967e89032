package dev.taskruns.config;

import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

    /** @param rules each vendor's checks of its own keys; a vendor without any has no connector in this build */
    public Sources(TaskrunsConfig config, @All List<VendorSourceRules> rules) {
        List<String> problems = new ArrayList<>();
        Map<String, SourceDefinition> defined = new LinkedHashMap<>();
        new TreeMap<>(config.sources()).forEach((id, source) ->
                validate(id, source, rules, problems).ifPresent(def -> defined.put(id, def)));
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Invalid source configuration:\n  - " + String.join("\n  - ", problems));
        }
        this.byId = Collections.unmodifiableMap(defined);
    }

    static Optional<SourceDefinition> validate(String id, TaskrunsConfig.SourceConfig source,
                                               List<VendorSourceRules> rules, List<String> problems) {
        String prefix = "taskruns.sources." + id + ".";
        int before = problems.size();
        if (!ID.matcher(id).matches()) {
            problems.add("taskruns.sources." + id + ": source id must match " + ID.pattern());
        }
        if (source.pollInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(prefix + "poll-interval must be at least 1s, got " + source.pollInterval());
        }
        Optional<Vendor> vendor = source.vendor().flatMap(Vendor::find);
        String vendors = Arrays.stream(Vendor.values()).map(Vendor::configName).collect(Collectors.joining("|"));
        if (source.vendor().isEmpty()) {
            problems.add(prefix + "vendor is missing (" + vendors + ")");
        } else if (vendor.isEmpty()) {
            problems.add(prefix + "vendor '" + source.vendor().get() + "' is unknown (" + vendors + ")");
        } else {
            rules.stream().filter(r -> r.vendor() == vendor.get()).forEach(r -> problems.addAll(r.problems(id)));
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new SourceDefinition(id, vendor.get(), source.enabled(), source.pollInterval()));
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
