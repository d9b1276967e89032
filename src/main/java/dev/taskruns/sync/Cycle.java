package dev.taskruns.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.RunQueries;
import dev.taskruns.store.StoredRun;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** One running cycle of one source: the connector's {@link SyncContext}, and the cycle's tallies. */
final class Cycle implements SyncContext {

    private static final Logger LOG = Logger.getLogger(Cycle.class);

    /** This cycle no longer owns its source: another cycle has started since (a later epoch). */
    static final class Superseded extends RuntimeException {
        Superseded(String sourceId, long epoch) {
            super("sync cycle " + epoch + " of source " + sourceId + " was superseded by a later cycle; its page was not written");
        }
    }

    /** The replica is stopping: the page just committed is the cycle's last. */
    static final class Abandoned extends RuntimeException {
        Abandoned(String sourceId) {
            super("sync cycle of source " + sourceId + " stopped after its last committed page: the replica is shutting down");
        }
    }

    private final String sourceId;
    private final long epoch;
    private final SourceLock.Held lock;
    private final PageWriter writer;
    private final RunQueries queries;
    private final SyncMetrics metrics;
    private final BooleanSupplier stopping;
    private final Map<String, JsonNode> checkpoints = new LinkedHashMap<>();
    int pages;
    int inserted;
    int updated;
    int unchanged;
    int badRecords;
    private String firstBadRecord;

    Cycle(String sourceId, long epoch, SourceLock.Held lock, PageWriter writer, RunQueries queries, SyncMetrics metrics,
          BooleanSupplier stopping) {
        this.sourceId = sourceId;
        this.epoch = epoch;
        this.lock = lock;
        this.writer = writer;
        this.queries = queries;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    void resume(Map<String, JsonNode> stored) {
        checkpoints.putAll(stored);
    }

    @Override
    public Optional<JsonNode> checkpoint(String scope) {
        return Optional.ofNullable(checkpoints.get(scope));
    }

    @Override
    public Map<String, JsonNode> checkpoints() {
        return Collections.unmodifiableMap(checkpoints);
    }

    @Override
    public WriteResult commit(List<UnifiedRun> runs, Map<String, JsonNode> advanced) {
        lock.verify();
        WriteResult result = writer.commit(sourceId, epoch, runs, advanced);
        // only after the commit: the in-memory view never gets ahead of the store either
        advanced.forEach((scope, value) -> {
            if (value == null || value.isNull()) {
                checkpoints.remove(scope);
            } else {
                checkpoints.put(scope, value);
            }
        });
        pages++;
        inserted += result.inserted();
        updated += result.updated();
        unchanged += result.unchanged();
        metrics.written(sourceId, result);
        if (stopping.getAsBoolean()) {
            throw new Abandoned(sourceId);
        }
        return result;
    }

    @Override
    public List<StoredRun> unfinishedRuns(Instant from, int limit) {
        return queries.unfinished(sourceId, from, limit);
    }

    @Override
    public void badRecord(String description, Exception cause) {
        badRecords++;
        if (firstBadRecord == null) {
            firstBadRecord = description + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        metrics.badRecord(sourceId);
        LOG.warnf("Skipped a vendor record of source %s: %s (%s)", sourceId, description, cause.getMessage());
    }

    /** What to show as the source's last error after a cycle that otherwise succeeded. */
    String problem() {
        return badRecords == 0 ? null : badRecords + " vendor record(s) skipped in the last cycle; first: " + firstBadRecord;
    }
}
