package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Sources;
import dev.taskruns.store.DatabaseOutage;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceRepository;
import dev.taskruns.store.WriteResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-source sync metrics (tags {@code source} and {@code vendor}); vendor clients add their API-call
 * metrics. The source gauges (last success, failures in a row) come from the source table, not from
 * what this replica ran: every replica then exports the same values, so a source that moved to
 * another replica leaves no stale value behind and {@code max by (source)} is the truth
 * (docs/observability.md).
 */
@ApplicationScoped
public class SyncMetrics {

    private static final Logger LOG = Logger.getLogger(SyncMetrics.class);

    private final MeterRegistry registry;
    private final Sources sources;
    private final SourceRepository repository;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> consecutiveFailures = new ConcurrentHashMap<>();

    public SyncMetrics(MeterRegistry registry, Sources sources, SourceRepository repository) {
        this.registry = registry;
        this.sources = sources;
        this.repository = repository;
    }

    /**
     * The enabled sources' series exist from the start: a counter born at its first increment hides
     * that increment from {@code increase()}, and alert rules join on the poll interval.
     */
    void register(@Observes StartupEvent event) {
        for (SourceDefinition source : sources.all()) {
            if (!source.enabled()) {
                continue; // never synced: no lag or failure to alert on
            }
            Tags tags = tags(source.id());
            Gauge.builder("taskruns.sync.poll.interval", source.pollInterval(), Duration::toSeconds)
                    .description("The source's configured poll interval").baseUnit("seconds")
                    .tags(tags).strongReference(true).register(registry);
            consecutiveFailures.put(source.id(), registry.gauge("taskruns.sync.consecutive.failures", tags,
                    new AtomicLong(), AtomicLong::doubleValue));
            Counter.builder("taskruns.sync.bad.records").tags(tags).register(registry);
        }
        refresh();
    }

    /**
     * Reads the shared source state; a store outage keeps the last values (the tick reports the outage).
     * Its own request context: the start-up observer has none, and a query needs one outside a transaction.
     */
    @ActivateRequestContext
    @Scheduled(every = "15s", delayed = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            for (SourceEntity stored : repository.listAll()) {
                AtomicLong failures = consecutiveFailures.get(stored.id);
                if (failures == null) {
                    continue;
                }
                failures.set(stored.consecutiveFailures);
                if (stored.lastSyncSucceededAt != null) {
                    succeeded(stored.id, stored.lastSyncSucceededAt);
                }
            }
        } catch (RuntimeException e) {
            // an outage is the tick's to report; anything else would freeze the gauges unseen
            LOG.log(DatabaseOutage.isCause(e) ? Logger.Level.DEBUG : Logger.Level.WARN, "Source gauges not refreshed", e);
        }
    }

    void cycle(String source, String outcome, Duration duration) {
        Timer.builder("taskruns.sync.cycle.duration").description("Sync cycle duration")
                .tags(tags(source).and("outcome", outcome)).register(registry).record(duration);
    }

    /** Registered at the first success known, so that "never synced" is an absent series, not a zero. */
    void succeeded(String source, Instant at) {
        lastSuccess.computeIfAbsent(source, s -> registry.gauge("taskruns.sync.last.success",
                        tags(s), new AtomicLong(), AtomicLong::doubleValue))
                .accumulateAndGet(at.getEpochSecond(), Math::max);
    }

    void written(String source, WriteResult result) {
        count(source, "inserted", result.inserted());
        count(source, "updated", result.updated());
        count(source, "unchanged", result.unchanged());
    }

    void badRecord(String source) {
        registry.counter("taskruns.sync.bad.records", tags(source)).increment();
    }

    private Tags tags(String source) {
        String vendor = sources.find(source).map(s -> s.vendor().configName()).orElse("unknown");
        return Tags.of("source", source, "vendor", vendor);
    }

    private void count(String source, String result, int amount) {
        if (amount > 0) {
            registry.counter("taskruns.sync.runs.upserted", tags(source).and("result", result)).increment(amount);
        }
    }
}
