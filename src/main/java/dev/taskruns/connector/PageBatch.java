package dev.taskruns.connector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.StoredRun;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;
import dev.taskruns.sync.SyncContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cycle's context, with consecutive pages gathered until they hold {@code commitRuns} runs and
 * then written in one transaction with every checkpoint they advance (a later page's value of a
 * scope wins). A checkpoint still never gets ahead of its data: it is written with the runs of its
 * page or not at all, so a crash re-reads at most the gathered pages. Reads of a checkpoint see the
 * gathered value first, as they would see a committed one. Both connectors write through it: a
 * transaction per vendor page (ESET: one task's ~20 runs; Alibaba: 100 tasks) cost a backfill most
 * of its time (docs/benchmarks.md, "Ingest end to end").
 */
public final class PageBatch implements SyncContext {

    private final SyncContext cycle;
    private final int commitRuns;
    private final List<UnifiedRun> runs = new ArrayList<>();
    private final Map<String, JsonNode> checkpoints = new LinkedHashMap<>();

    /** {@code commitRuns} 0 writes every page on its own. */
    public PageBatch(SyncContext cycle, int commitRuns) {
        this.cycle = cycle;
        this.commitRuns = commitRuns;
    }

    @Override
    public Optional<JsonNode> checkpoint(String scope) {
        if (checkpoints.containsKey(scope)) {
            JsonNode gathered = checkpoints.get(scope);
            return gathered == null || gathered.isNull() ? Optional.empty() : Optional.of(gathered);
        }
        return cycle.checkpoint(scope);
    }

    @Override
    public Map<String, JsonNode> checkpoints() {
        Map<String, JsonNode> all = new LinkedHashMap<>(cycle.checkpoints());
        checkpoints.forEach((scope, value) -> {
            if (value == null || value.isNull()) {
                all.remove(scope);
            } else {
                all.put(scope, value);
            }
        });
        return all;
    }

    /** Gathers the page, and writes what is gathered once it holds enough runs; EMPTY until then. */
    @Override
    public WriteResult commit(List<UnifiedRun> page, Map<String, JsonNode> advanced) {
        runs.addAll(page);
        checkpoints.putAll(advanced);
        return runs.size() >= commitRuns ? flush() : WriteResult.EMPTY;
    }

    /** Writes whatever is gathered (nothing when nothing is). */
    public WriteResult flush() {
        if (runs.isEmpty() && checkpoints.isEmpty()) {
            return WriteResult.EMPTY;
        }
        List<UnifiedRun> page = List.copyOf(runs);
        Map<String, JsonNode> advanced = new LinkedHashMap<>(checkpoints);
        // emptied first: a write that fails is not tried again by a later flush
        runs.clear();
        checkpoints.clear();
        return cycle.commit(page, advanced);
    }

    /** Read from the store, so what is gathered is written first: the answer must include it. */
    @Override
    public List<StoredRun> unfinishedRuns(Instant from, int limit) {
        flush();
        return cycle.unfinishedRuns(from, limit);
    }

    @Override
    public void badRecord(String description, Exception cause) {
        cycle.badRecord(description, cause);
    }
}
