package dev.taskruns.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.StoredRun;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine's side of one sync cycle, as a connector sees it. */
public interface SyncContext {

    /** The stored checkpoint of one scope (a task, a time window, ...), if any. */
    Optional<JsonNode> checkpoint(String scope);

    /** Every stored checkpoint of this source, by scope. */
    Map<String, JsonNode> checkpoints();

    /**
     * Writes a page of runs and the checkpoints it advances in one transaction, so a checkpoint can
     * never get ahead of its data: a crash loses nothing and re-reads at most this page. A checkpoint
     * mapped to a JSON null is removed.
     */
    WriteResult commit(List<UnifiedRun> runs, Map<String, JsonNode> checkpoints);

    /**
     * This source's stored runs that are not final yet (PENDING or RUNNING) and started at or after
     * {@code from}, oldest first, at most {@code limit}: a connector that must look at unfinished runs
     * again asks the store for them instead of keeping its own list.
     */
    List<StoredRun> unfinishedRuns(Instant from, int limit);

    /**
     * A vendor record that cannot be mapped: skipped, logged, counted and shown as the source's last
     * error, while the rest of the page is still stored.
     */
    void badRecord(String description, Exception cause);
}
