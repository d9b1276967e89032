package dev.taskruns.store;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Sources;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Source rows mirror the configuration: registered at start-up so runs can reference them.
 * A source removed from the configuration keeps its row and its runs (history is never dropped).
 */
@ApplicationScoped
public class SourceRepository implements PanacheRepositoryBase<SourceEntity, String> {

    @Transactional
    void register(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent start, Sources sources) {
        sources.all().forEach(this::register);
    }

    /** An upsert, not find-then-persist: replicas starting together register the same sources. */
    @Transactional
    public void register(SourceDefinition definition) {
        getEntityManager().createNativeQuery("""
                        INSERT INTO source (id, vendor, enabled) VALUES (?1, ?2, ?3)
                        ON CONFLICT (id) DO UPDATE SET vendor = excluded.vendor, enabled = excluded.enabled
                        """)
                .setParameter(1, definition.id())
                .setParameter(2, definition.vendor().name())
                .setParameter(3, definition.enabled())
                .executeUpdate();
    }

    /**
     * Enabled sources whose next cycle is due (never run, or next_sync_at passed), longest due first
     * (never run before all): the tick starts them in this order while workers are free, so when more
     * are due than can run, none waits behind sources that merely sort before it.
     */
    @Transactional
    public List<Due> due(Instant now) {
        return find("enabled = true and (nextSyncAt is null or nextSyncAt <= ?1) order by nextSyncAt nulls first, id", now)
                .project(Due.class).list();
    }

    /** The same test as {@link #due} for one source: re-checked once its lock is held. */
    @Transactional
    public boolean isDue(String id, Instant now) {
        return count("id = ?1 and enabled = true and (nextSyncAt is null or nextSyncAt <= ?2)", id, now) > 0;
    }

    /**
     * A cycle starts (its lock held): SYNCING, and the source's next epoch, which is the cycle's
     * fencing token for every write it makes from now on.
     */
    @Transactional
    public long markStarted(String id, Instant now) {
        SourceEntity source = findById(id, LockModeType.PESSIMISTIC_WRITE);
        source.state = SourceState.SYNCING;
        source.lastSyncStartedAt = now;
        source.syncEpoch++;
        return source.syncEpoch;
    }

    /**
     * Whether the cycle of {@code epoch} still owns the source, checked inside a page's transaction.
     * The row lock it takes (FOR NO KEY UPDATE, which the page's own runs_stored update needs anyway)
     * makes one source's page transactions strictly one after another, and makes a new cycle's
     * {@link #markStarted} wait for a page in flight: a page either commits before the next epoch
     * exists or sees it and is refused.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean holdsEpoch(String id, long epoch) {
        return !getEntityManager().createNativeQuery(
                        "SELECT 1 FROM source WHERE id = ?1 AND sync_epoch = ?2 FOR NO KEY UPDATE")
                .setParameter(1, id).setParameter(2, epoch).getResultList().isEmpty();
    }

    /**
     * A finished cycle; {@code problem} notes skipped vendor records, else the last error is cleared.
     * False (and nothing written) when a later cycle has taken the source over.
     */
    @Transactional
    public boolean markSucceeded(String id, long epoch, Instant now, Instant next, String problem) {
        return owned(id, epoch).map(source -> {
            source.state = SourceState.IDLE;
            source.lastSyncSucceededAt = now;
            source.consecutiveFailures = 0;
            source.nextSyncAt = next;
            source.lastError = problem;
            source.lastErrorAt = problem == null ? null : now;
            return true;
        }).orElse(false);
    }

    /**
     * A failed cycle: BACKING_OFF at first, FAILING once {@code failingAfter} cycles failed in a row.
     * Empty (and nothing written) when a later cycle has taken the source over.
     */
    @Transactional
    public Optional<SourceState> markFailed(String id, long epoch, Instant now, String error, int failingAfter,
                                            IntFunction<Instant> nextAfterFailures) {
        return owned(id, epoch).map(source -> {
            source.consecutiveFailures++;
            source.state = source.consecutiveFailures >= failingAfter ? SourceState.FAILING : SourceState.BACKING_OFF;
            source.lastError = error;
            source.lastErrorAt = now;
            source.nextSyncAt = nextAfterFailures.apply(source.consecutiveFailures);
            return source.state;
        });
    }

    /**
     * A cycle given up because its replica is stopping: not a failure (no back-off, errors and the
     * state they put the source in kept as they were) and due at once, so another replica carries on
     * from the last committed page.
     */
    @Transactional
    public boolean markAbandoned(String id, long epoch, Instant now, int failingAfter) {
        return owned(id, epoch).map(source -> {
            source.state = source.consecutiveFailures == 0 ? SourceState.IDLE
                    : source.consecutiveFailures >= failingAfter ? SourceState.FAILING : SourceState.BACKING_OFF;
            source.nextSyncAt = now;
            return true;
        }).orElse(false);
    }

    /**
     * Forgets where the source's sync stands, so its next cycle reads everything again (as far as
     * its connector's backfill reaches). Safe while a cycle runs: the epoch moves on, so that cycle
     * cannot write its old checkpoints back (its next page is refused), and the row lock waits for a
     * page in flight. Stored runs stay; reading them again changes only what the vendor changed.
     */
    @Transactional
    public void forgetCheckpoints(String id, Instant now) {
        SourceEntity source = findById(id, LockModeType.PESSIMISTIC_WRITE);
        source.syncEpoch++;
        source.nextSyncAt = now;
        getEntityManager().createNativeQuery("DELETE FROM sync_checkpoint WHERE source_id = ?1")
                .setParameter(1, id).executeUpdate();
    }

    private Optional<SourceEntity> owned(String id, long epoch) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE).filter(source -> source.syncEpoch == epoch);
    }

    /** A source this build cannot sync (no connector for its vendor): shown, not retried. */
    @Transactional
    public void markUnsupported(String id, String reason, Instant now) {
        SourceEntity source = findById(id);
        source.state = SourceState.FAILING;
        source.lastError = reason;
        source.lastErrorAt = now;
    }

    /** A due source and since when it has been due (null: never synced). */
    @RegisterForReflection
    public record Due(String id, Instant nextSyncAt) {
    }
}
