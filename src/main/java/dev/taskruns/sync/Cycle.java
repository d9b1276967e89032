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

/** One running cycle of one source: the connector's {@link SyncContext}, and the cycle's tallies. */
final class Cycle implements SyncContext {

    private static final Logger LOG = Logger.getLogger(Cycle.class);

    private final String sourceId;
    private final SourceLock.Held lock;
    private final PageWriter writer;
    private final RunQueries queries;
    private final SyncMetrics metrics;
    private final Map<String, JsonNode> checkpoints = new LinkedHashMap<>();
    int pages;
    int inserted;
    int updated;
    int unchanged;
    int badRecords;
    private String firstBadRecord;

    Cycle(String sourceId, SourceLock.Held lock, PageWriter writer, RunQueries queries, SyncMetrics metrics) {
        this.sourceId = sourceId;
        this.lock = lock;
        this.writer = writer;
        this.queries = queries;
        this.metrics = metrics;
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
        WriteResult result = writer.commit(sourceId, runs, advanced);
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
