package dev.taskruns.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.StoredRun;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;
import dev.taskruns.sync.SyncContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine's side in memory: runs by id, checkpoints by scope, each commit and bad record noted. */
public final class FakeSyncContext implements SyncContext {

    public record Commit(List<String> runIds, List<String> scopes) {
    }

    public final Map<String, UnifiedRun> runs = new LinkedHashMap<>();
    public final Map<String, JsonNode> checkpoints = new LinkedHashMap<>();
    public final List<Commit> commits = new ArrayList<>();
    public final List<String> badRecords = new ArrayList<>();
    /** Fail the commit with this (1-based) number, as a crash would. */
    public int failOnCommit = -1;

    @Override
    public Optional<JsonNode> checkpoint(String scope) {
        return Optional.ofNullable(checkpoints.get(scope));
    }

    @Override
    public Map<String, JsonNode> checkpoints() {
        return Map.copyOf(checkpoints);
    }

    @Override
    public WriteResult commit(List<UnifiedRun> page, Map<String, JsonNode> advanced) {
        if (commits.size() + 1 == failOnCommit) {
            throw new IllegalStateException("crash");
        }
        page.forEach(run -> runs.put(run.runId(), run));
        advanced.forEach((scope, json) -> {
            if (json == null || json.isNull()) {
                checkpoints.remove(scope);
            } else {
                checkpoints.put(scope, json);
            }
        });
        commits.add(new Commit(page.stream().map(UnifiedRun::runId).toList(), advanced.keySet().stream().sorted().toList()));
        return new WriteResult(page.size(), 0, 0);
    }

    @Override
    public List<StoredRun> unfinishedRuns(Instant from, int limit) {
        return runs.values().stream()
                .filter(r -> (r.status() == RunStatus.PENDING || r.status() == RunStatus.RUNNING) && !r.startedAt().isBefore(from))
                .sorted(Comparator.comparing(UnifiedRun::startedAt).thenComparing(UnifiedRun::runId))
                .limit(limit)
                .map(r -> new StoredRun(r.runId(), r.vendorStatus(), r.startedAt()))
                .toList();
    }

    @Override
    public void badRecord(String description, Exception cause) {
        // as the engine shows it in lastError
        badRecords.add(description + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    public void clearLog() {
        commits.clear();
        badRecords.clear();
    }
}
