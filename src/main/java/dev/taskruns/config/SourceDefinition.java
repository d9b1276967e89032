package dev.taskruns.config;

import java.time.Duration;

/** One configured vendor account, validated: what the sync engine and the facade work with. */
public record SourceDefinition(String id, Vendor vendor, boolean enabled, Duration pollInterval,
                               TaskrunsConfig.SourceConfig config) {
}
