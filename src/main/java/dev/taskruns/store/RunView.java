package dev.taskruns.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.config.Vendor;

import java.time.Instant;

/** A stored run as the facade shows it, with task and device names joined in. */
public record RunView(
        String source,
        Vendor vendor,
        String deviceId,
        String deviceName,
        String taskId,
        String taskName,
        String runId,
        RunStatus status,
        String vendorStatus,
        Instant startedAt,
        Instant endedAt,
        Instant updatedAt,
        JsonNode error) {
}
