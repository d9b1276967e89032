package dev.taskruns.api;

import dev.taskruns.store.SyncCycleEntity;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One finished sync cycle of a source. */
@RegisterForReflection
@Schema(name = "Cycle", description = "A finished sync cycle of one source")
public record CycleDto(
        @Schema(format = "date-time") String startedAt,
        @Schema(format = "date-time") String finishedAt,
        @Schema(enumeration = {"SUCCEEDED", "FAILED", "ABANDONED", "SUPERSEDED"},
                description = "ABANDONED: its replica stopped (another carries on); SUPERSEDED: a later cycle took over")
        String outcome,
        @Schema(description = "Pages committed") int pages,
        @Schema(description = "Runs inserted or changed") int runsWritten,
        @Schema(description = "Vendor records skipped as unreadable") int badRecords,
        @Schema(nullable = true) String error) {

    static CycleDto of(SyncCycleEntity cycle) {
        return new CycleDto(Timestamps.format(cycle.startedAt), Timestamps.format(cycle.finishedAt), cycle.outcome.name(),
                cycle.pages, cycle.runsWritten, cycle.badRecords, cycle.error);
    }
}
