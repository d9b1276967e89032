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
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
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

    /** Ids of enabled sources whose next cycle is due (never run, or next_sync_at passed). */
    @Transactional
    public List<String> due(Instant now) {
        return find("enabled = true and (nextSyncAt is null or nextSyncAt <= ?1) order by id", now)
                .project(IdOnly.class).list().stream().map(IdOnly::id).toList();
    }

    /** The same test as {@link #due} for one source: re-checked once its lock is held. */
    @Transactional
    public boolean isDue(String id, Instant now) {
        return count("id = ?1 and enabled = true and (nextSyncAt is null or nextSyncAt <= ?2)", id, now) > 0;
    }

    @Transactional
    public void markStarted(String id, Instant now) {
        SourceEntity source = findById(id);
        source.state = SourceState.SYNCING;
        source.lastSyncStartedAt = now;
    }

    /** A finished cycle; {@code problem} notes skipped vendor records, else the last error is cleared. */
    @Transactional
    public void markSucceeded(String id, Instant now, Instant next, String problem) {
        SourceEntity source = findById(id);
        source.state = SourceState.IDLE;
        source.lastSyncSucceededAt = now;
        source.consecutiveFailures = 0;
        source.nextSyncAt = next;
        source.lastError = problem;
        source.lastErrorAt = problem == null ? null : now;
    }

    /** A failed cycle: BACKING_OFF at first, FAILING once {@code failingAfter} cycles failed in a row. */
    @Transactional
    public SourceEntity markFailed(String id, Instant now, String error, int failingAfter,
                                   IntFunction<Instant> nextAfterFailures) {
        SourceEntity source = findById(id);
        source.consecutiveFailures++;
        source.state = source.consecutiveFailures >= failingAfter ? SourceState.FAILING : SourceState.BACKING_OFF;
        source.lastError = error;
        source.lastErrorAt = now;
        source.nextSyncAt = nextAfterFailures.apply(source.consecutiveFailures);
        return source;
    }

    /** A source this build cannot sync (no connector for its vendor): shown, not retried. */
    @Transactional
    public void markUnsupported(String id, String reason, Instant now) {
        SourceEntity source = findById(id);
        source.state = SourceState.FAILING;
        source.lastError = reason;
        source.lastErrorAt = now;
    }

    @RegisterForReflection
    public record IdOnly(String id) {
    }
}
