package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Sources;
import dev.taskruns.store.CheckpointRepository;
import dev.taskruns.store.RunQueries;
import dev.taskruns.store.SourceRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs sync cycles: every {@code poll-interval} per source and on demand. Cycles of one source never
 * overlap, on this replica (a running set) nor across replicas (a PostgreSQL advisory lock, after
 * which the due time is checked again, so two replicas never pull the same interval twice).
 * Source state, errors and the next due time live in the store, shared by all replicas.
 */
@ApplicationScoped
public class SyncEngine {

    private static final Logger LOG = Logger.getLogger(SyncEngine.class);

    /** What a request to start a cycle came to. */
    public enum Start { STARTED, ALREADY_RUNNING, BUSY, DISABLED, UNKNOWN_SOURCE, UNSUPPORTED }

    private final Sources sources;
    private final Connectors connectors;
    private final SourceRepository repository;
    private final CheckpointRepository checkpoints;
    private final SourceLock lock;
    private final PageWriter writer;
    private final RunQueries queries;
    private final SyncMetrics metrics;
    private final SyncConfig config;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;

    public SyncEngine(Sources sources, Connectors connectors, SourceRepository repository,
                      CheckpointRepository checkpoints, SourceLock lock, PageWriter writer, RunQueries queries, SyncMetrics metrics,
                      SyncConfig config, Clock clock) {
        this.sources = sources;
        this.connectors = connectors;
        this.repository = repository;
        this.checkpoints = checkpoints;
        this.lock = lock;
        this.writer = writer;
        this.queries = queries;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(config.maxConcurrentSources(),
                Thread.ofPlatform().name("sync-", 0).daemon().factory());
    }

    void start(@Observes StartupEvent event, Scheduler scheduler) {
        sources.all().stream().filter(s -> connectors.forSource(s).isEmpty()).forEach(s -> {
            LOG.warnf("Source %s (vendor %s) is not synced: this build has no %s connector", s.id(), s.vendor(), s.vendor());
            repository.markUnsupported(s.id(), "No " + s.vendor() + " connector in this build", clock.instant());
        });
        if (config.schedulerEnabled()) {
            scheduler.newJob("taskruns-sync-tick")
                    .setInterval(config.tick().toMillis() + "ms")
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> tick())
                    .schedule();
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        workers.shutdownNow(); // interrupts vendor calls; committed pages stay committed
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Starts every due, enabled, supported source that is not running here already. */
    public void tick() {
        for (String id : repository.due(clock.instant())) {
            sources.find(id).filter(s -> connectors.forSource(s).isPresent()).ifPresent(source -> {
                try {
                    start(source, true);
                } catch (SQLException | RuntimeException e) {
                    LOG.errorf(e, "Could not start a sync cycle of source %s", source.id());
                }
            });
        }
    }

    /** Starts a cycle now ({@code POST /api/v1/sources/{id}/sync}), whether due or not. */
    public Start trigger(String sourceId) {
        Optional<SourceDefinition> source = sources.find(sourceId);
        if (source.isEmpty()) {
            return Start.UNKNOWN_SOURCE;
        }
        if (!source.get().enabled()) {
            return Start.DISABLED;
        }
        if (connectors.forSource(source.get()).isEmpty()) {
            return Start.UNSUPPORTED;
        }
        try {
            return start(source.get(), false);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not take the sync lock of source " + sourceId, e);
        }
    }

    public boolean isRunning(String sourceId) {
        return running.contains(sourceId);
    }

    /**
     * Takes the source's lock and hands the cycle to a free worker. Never queues: a queued cycle
     * would hold a pooled connection and the lock while waiting, starving the API and keeping other
     * replicas from the source. With every worker busy, the tick simply tries again later.
     */
    private synchronized Start start(SourceDefinition source, boolean onlyIfDue) throws SQLException {
        if (running.contains(source.id())) {
            return Start.ALREADY_RUNNING;
        }
        if (running.size() >= config.maxConcurrentSources()) {
            return Start.BUSY;
        }
        running.add(source.id());
        boolean handedOver = false;
        try {
            Optional<SourceLock.Held> held = lock.tryAcquire(source.id());
            if (held.isEmpty()) {
                return Start.ALREADY_RUNNING;
            }
            // another replica may have finished this source's cycle between our look and the lock
            if (onlyIfDue && !repository.isDue(source.id(), clock.instant())) {
                held.get().close();
                return Start.ALREADY_RUNNING;
            }
            try {
                workers.execute(() -> runCycle(source, held.get()));
            } catch (RuntimeException e) { // shutting down: give the lock back at once
                held.get().close();
                throw e;
            }
            handedOver = true;
            return Start.STARTED;
        } finally {
            if (!handedOver) {
                running.remove(source.id());
            }
        }
    }

    private void runCycle(SourceDefinition source, SourceLock.Held held) {
        MDC.put("source", source.id());
        Instant started = clock.instant();
        Cycle cycle = new Cycle(source.id(), held, writer, queries, metrics);
        // the outcome is recorded while the lock is still held: released first, another replica
        // could start at once, skip the back-off and have its SYNCING overwritten by our result
        try (held) {
            try {
                repository.markStarted(source.id(), started);
                cycle.resume(checkpoints.load(source.id()));
                connectors.forSource(source).orElseThrow().sync(source, cycle);
                Instant finished = clock.instant();
                repository.markSucceeded(source.id(), finished, started.plus(source.pollInterval()), cycle.problem());
                metrics.succeeded(source.id(), finished);
                finish(source, cycle, "success", started, null);
            } catch (Exception e) {
                LOG.debugf(e, "Sync cycle of source %s failed", source.id());
                String error = describe(e);
                Instant failed = clock.instant();
                var stored = repository.markFailed(source.id(), failed, error, config.failingAfter(),
                        failures -> failed.plus(backoff(source.pollInterval(), failures)));
                finish(source, cycle, stored.state.name().toLowerCase(), started, error);
            }
        } catch (Exception e) {
            LOG.errorf(e, "Could not record the end of the sync cycle of source %s", source.id());
        } finally {
            running.remove(source.id());
            MDC.remove("source");
        }
    }

    /** The poll interval doubled per failure in a row, capped; a failing source keeps being retried. */
    Duration backoff(Duration pollInterval, int failures) {
        Duration delay = pollInterval.multipliedBy(1L << Math.min(failures, 20));
        return delay.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : delay;
    }

    private void finish(SourceDefinition source, Cycle cycle, String outcome, Instant started, String error) {
        Duration duration = Duration.between(started, clock.instant());
        metrics.cycle(source.id(), outcome, duration);
        String line = String.format("sync cycle source=%s vendor=%s outcome=%s duration_ms=%d pages=%d inserted=%d "
                        + "updated=%d unchanged=%d bad_records=%d", source.id(), source.vendor(), outcome,
                duration.toMillis(), cycle.pages, cycle.inserted, cycle.updated, cycle.unchanged, cycle.badRecords);
        if (error == null) {
            LOG.info(line);
        } else {
            LOG.warn(line + " error=\"" + error + "\"");
        }
    }

    /**
     * What {@code lastError} (served by the API) says: vendor and engine messages as they are (vendor
     * clients keep credentials and tokens out of them), but for a database failure only its
     * SQLState: SQL text and row values stay in the log.
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return "database error (SQLState " + sql.getSQLState() + "); details in the service log";
            }
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return message.length() <= 1000 ? message : message.substring(0, 1000) + "…";
    }
}
