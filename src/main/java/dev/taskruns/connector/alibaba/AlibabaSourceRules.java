package dev.taskruns.connector.alibaba;

import dev.taskruns.config.Vendor;
import dev.taskruns.config.VendorSourceRules;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks and serves the Alibaba keys of each source: the AccessKey pair and an http(s) endpoint. */
@ApplicationScoped
public class AlibabaSourceRules implements VendorSourceRules {

    private final AlibabaSourcesConfig config;

    public AlibabaSourceRules(AlibabaSourcesConfig config) {
        this.config = config;
    }

    @Override
    public Vendor vendor() {
        return Vendor.ALIBABA;
    }

    @Override
    public List<String> problems(String id) {
        String prefix = "taskruns.sources." + id + ".alibaba.";
        List<String> problems = new ArrayList<>();
        Optional<AlibabaSourcesConfig.Alibaba> alibaba = find(id);
        VendorSourceRules.require(problems, prefix + "access-key-id", alibaba.flatMap(AlibabaSourcesConfig.Alibaba::accessKeyId));
        VendorSourceRules.require(problems, prefix + "access-key-secret", alibaba.flatMap(AlibabaSourcesConfig.Alibaba::accessKeySecret));
        alibaba.map(AlibabaSourcesConfig.Alibaba::endpoint)
                .filter(endpoint -> !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme()))
                        || endpoint.getHost() == null)
                .ifPresent(endpoint -> problems.add(prefix + "endpoint '" + endpoint + "' is not an http(s) URL with a host"));
        return problems;
    }

    /** The Alibaba keys of a source that passed {@link #problems}. */
    AlibabaSourcesConfig.Alibaba of(String id) {
        return find(id).orElseThrow(() -> new IllegalStateException("source " + id + " has no Alibaba keys"));
    }

    private Optional<AlibabaSourcesConfig.Alibaba> find(String id) {
        return Optional.ofNullable(config.sources().get(id)).map(AlibabaSourcesConfig.Source::alibaba);
    }
}
