package dev.taskruns.config;

import java.time.Duration;

/**
 * One configured vendor account, validated: what the sync engine and the facade work with. Its
 * vendor keys ({@code taskruns.sources.<id>.<vendor>.*}) belong to the vendor's connector.
 */
public record SourceDefinition(String id, Vendor vendor, boolean enabled, Duration pollInterval) {
}
