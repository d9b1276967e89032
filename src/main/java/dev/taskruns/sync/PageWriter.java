package dev.taskruns.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.CheckpointRepository;
import dev.taskruns.store.RunStore;
import dev.taskruns.store.SourceRepository;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * One page of a cycle: its runs and the checkpoints it advances, in one transaction, written only
 * while the cycle's epoch is still the source's latest.
 */
@ApplicationScoped
public class PageWriter {

    private final SourceRepository sources;
    private final RunStore runs;
    private final CheckpointRepository checkpoints;
    private final Clock clock;

    public PageWriter(SourceRepository sources, RunStore runs, CheckpointRepository checkpoints, Clock clock) {
        this.sources = sources;
        this.runs = runs;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    @Transactional
    public WriteResult commit(String sourceId, long epoch, List<UnifiedRun> page, Map<String, JsonNode> advanced) {
        if (!sources.holdsEpoch(sourceId, epoch)) {
            throw new Cycle.Superseded(sourceId, epoch);
        }
        WriteResult result = runs.write(page);
        checkpoints.save(sourceId, advanced, clock.instant());
        return result;
    }
}
