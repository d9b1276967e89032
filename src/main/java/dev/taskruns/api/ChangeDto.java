package dev.taskruns.api;

import dev.taskruns.store.RunQueries.Change;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One change of a device's last run (contract: "Change feed"). */
@RegisterForReflection
@Schema(name = "Change", description = "A device's last run changed: a new last run, or a new status of it")
public record ChangeDto(
        @Schema(description = "Opaque and increasing; the SSE id and the resume point (after=, Last-Event-ID)",
                example = "0000000000001234") String id,
        @Schema(enumeration = {"last-run"}) String type,
        @Schema(description = "The status of the device's last run before this change; null for a new device",
                nullable = true, enumeration = {"PENDING", "RUNNING", "SUCCEEDED", "FAILED", "SUPPRESSED", "UNKNOWN"})
        String previousStatus,
        @Schema(description = "The device's last run as of this change, as /last-runs shows runs") RunDto run) {

    static ChangeDto of(Change change) {
        return new ChangeDto(ChangeIds.format(change.id()), "last-run",
                change.previousStatus() == null ? null : change.previousStatus().name(), RunDto.of(change.run()));
    }
}
