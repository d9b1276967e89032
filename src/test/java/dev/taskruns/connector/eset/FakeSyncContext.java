package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;
import dev.taskruns.sync.SyncContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine's side in memory: runs by id, checkpoints by scope, each commit and bad record noted. */
final class FakeSyncContext implements SyncContext {

    record Commit(List<String> runIds, List<String> scopes) {
    }

    final Map<String, UnifiedRun> runs = new LinkedHashMap<>();
    final Map<String, JsonNode> checkpoints = new LinkedHashMap<>();
    final List<Commit> commits = new ArrayList<>();
    final List<String> badRecords = new ArrayList<>();
    /** Fail the commit with this (1-based) number, as a crash would. */
    int failOnCommit = -1;

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
    public void badRecord(String description, Exception cause) {
        badRecords.add(description);
    }

    void clearLog() {
        commits.clear();
        badRecords.clear();
    }
}
