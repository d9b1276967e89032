package dev.taskruns.store;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A vendor run mapped to the unified model: what a vendor integration hands to {@link RunStore#write}.
 *
 * @param vendorUpdatedAt the vendor's own modification time where it has one (Alibaba
 *                        {@code GmtModifiedMillis}); null means "now, if the row changes"
 * @param error           structured error when the run failed, else null
 * @param raw             the vendor's record exactly as received
 */
public record UnifiedRun(
        String source,
        String runId,
        String deviceId,
        String deviceName,
        String taskId,
        String taskName,
        RunStatus status,
        String vendorStatus,
        Instant startedAt,
        Instant endedAt,
        Instant vendorUpdatedAt,
        JsonNode error,
        JsonNode raw) {

    public UnifiedRun {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(vendorStatus, "vendorStatus");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(raw, "raw");
        // the contract promises millisecond precision; storing exactly that keeps cursors and
        // "unchanged" comparisons exact
        startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
        endedAt = endedAt == null ? null : endedAt.truncatedTo(ChronoUnit.MILLIS);
        vendorUpdatedAt = vendorUpdatedAt == null ? null : vendorUpdatedAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
