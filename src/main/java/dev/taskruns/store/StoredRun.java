package dev.taskruns.store;

import java.time.Instant;

/** What a connector needs to know of a run it stored earlier to look at it again. */
public record StoredRun(String runId, String vendorStatus, Instant startedAt) {
}
