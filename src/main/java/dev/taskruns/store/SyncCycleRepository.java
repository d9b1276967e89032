package dev.taskruns.store;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/** Each source's finished sync cycles, newest first; kept as long as the change feed's retention. */
@ApplicationScoped
public class SyncCycleRepository implements PanacheRepositoryBase<SyncCycleEntity, Long> {

    @Transactional
    public void record(SyncCycleEntity cycle) {
        persist(cycle);
    }

    public List<SyncCycleEntity> latest(String sourceId, int limit) {
        return find("sourceId", Sort.descending("startedAt"), sourceId).page(0, limit).list();
    }

    @Transactional
    public long pruneBefore(Instant cutoff) {
        return delete("finishedAt < ?1", cutoff);
    }
}
