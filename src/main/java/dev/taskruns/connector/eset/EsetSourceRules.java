package dev.taskruns.connector.eset;

import dev.taskruns.config.Vendor;
import dev.taskruns.config.VendorSourceRules;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks and serves the ESET keys of each source: credentials, and a region or both URL overrides. */
@ApplicationScoped
public class EsetSourceRules implements VendorSourceRules {

    private final EsetSourcesConfig config;

    public EsetSourceRules(EsetSourcesConfig config) {
        this.config = config;
    }

    @Override
    public Vendor vendor() {
        return Vendor.ESET;
    }

    @Override
    public List<String> problems(String id) {
        String prefix = "taskruns.sources." + id + ".eset.";
        List<String> problems = new ArrayList<>();
        Optional<EsetSourcesConfig.Eset> eset = find(id);
        VendorSourceRules.require(problems, prefix + "username", eset.flatMap(EsetSourcesConfig.Eset::username));
        VendorSourceRules.require(problems, prefix + "password", eset.flatMap(EsetSourcesConfig.Eset::password));
        Optional<String> region = eset.flatMap(EsetSourcesConfig.Eset::region);
        if (region.isEmpty() && (eset.flatMap(EsetSourcesConfig.Eset::automationUrl).isEmpty()
                || eset.flatMap(EsetSourcesConfig.Eset::tokenUrl).isEmpty())) {
            problems.add(prefix + "region is missing (" + String.join("|", EsetRegions.NAMES)
                    + "), or set both eset.automation-url and eset.token-url");
        }
        region.filter(r -> !EsetRegions.isKnown(r)).ifPresent(r ->
                problems.add(prefix + "region '" + r + "' is unknown (" + EsetRegions.NAMES + ")"));
        return problems;
    }

    /** The ESET keys of a source that passed {@link #problems}. */
    EsetSourcesConfig.Eset of(String id) {
        return find(id).orElseThrow(() -> new IllegalStateException("source " + id + " has no ESET keys"));
    }

    private Optional<EsetSourcesConfig.Eset> find(String id) {
        return Optional.ofNullable(config.sources().get(id)).map(EsetSourcesConfig.Source::eset);
    }
}
