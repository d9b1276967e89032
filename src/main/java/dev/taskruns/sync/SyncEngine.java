package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Sources;
import dev.taskruns.store.CheckpointRepository;
import dev.taskruns.store.DatabaseOutage;
import dev.taskruns.store.RunQueries;
import dev.taskruns.store.SourceRepository;
import dev.taskruns.store.SyncCycleEntity;
import dev.taskruns.store.SyncCycleRepository;
import dev.taskruns.store.SourceState;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs sync cycles: every {@code poll-interval} per source and on demand. Cycles of one source never
 * overlap, on this replica (a running set) nor across replicas (a PostgreSQL advisory lock, after
 * which the due time is checked again, so two replicas never pull the same interval twice), and a
 * cycle writes only while its epoch is the source's latest (fencing). Due sources are shared out
 * among the replicas alive ({@link Replicas}); the others step in after {@code takeover-delay}.
 * Source state, errors and the next due time live in the store, shared by all replicas.
 */
@ApplicationScoped
public class SyncEngine {

    private static final Logger LOG = Logger.getLogger(SyncEngine.class);

    /** What a request to start a cycle came to. */
    public enum Start { STARTED, ALREADY_RUNNING, BUSY, STOPPING, DISABLED, UNKNOWN_SOURCE, UNSUPPORTED }

    private final Sources sources;
    private final Connectors connectors;
    private final SourceRepository repository;
    private final CheckpointRepository checkpoints;
    private final SourceLock lock;
    private final Replicas replicas;
    private final PageWriter writer;
    private final RunQueries queries;
    private final SyncMetrics metrics;
    private final SyncCycleRepository history;
    private final SyncConfig config;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    /** Set on shutdown: no cycle starts, running ones stop after the page they are committing. */
    private volatile boolean stopping;
    /** Whether the last tick could not reach the database: logged once per outage, not every second. */
    private volatile boolean tickFailing;

    public SyncEngine(Sources sources, Connectors connectors, SourceRepository repository,
                      CheckpointRepository checkpoints, SourceLock lock, Replicas replicas, PageWriter writer, RunQueries queries, SyncMetrics metrics,
                      SyncCycleRepository history, SyncConfig config, Clock clock) {
        this.sources = sources;
        this.connectors = connectors;
        this.repository = repository;
        this.checkpoints = checkpoints;
        this.lock = lock;
        this.replicas = replicas;
        this.writer = writer;
        this.queries = queries;
        this.metrics = metrics;
        this.history = history;
        this.config = config;
        this.clock = clock;
        // a cycle mostly waits (its vendor's request budget, HTTP, 202 polls): a virtual thread each,
        // so max-concurrent-sources is a limit on the work in flight, not on threads (start() enforces it)
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sync-", 0).factory());
    }

    void start(@Observes StartupEvent event, Scheduler scheduler) {
        sources.all().stream().filter(s -> connectors.forSource(s).isEmpty()).forEach(s -> {
            LOG.warnf("Source %s (vendor %s) is not synced: this build has no %s connector", s.id(), s.vendor(), s.vendor());
            repository.markUnsupported(s.id(), "No " + s.vendor() + " connector in this build", clock.instant());
        });
        heartbeat();
        scheduler.newJob("taskruns-sync-heartbeat")
                .setInterval(config.heartbeat().toMillis() + "ms")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> heartbeat())
                .schedule();
        scheduler.newJob("taskruns-sync-lock-keep-alive")
                .setInterval(config.lockKeepAlive().toMillis() + "ms")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> lock.keepAlive())
                .schedule();
        if (config.schedulerEnabled()) {
            scheduler.newJob("taskruns-sync-tick")
                    .setInterval(config.tick().toMillis() + "ms")
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> tick())
                    .schedule();
        }
    }

    /** SIGTERM with a shutdown delay: readiness is already down; start nothing new and leave the deal. */
    void stopStarting(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
        heartbeat(); // marked leaving: dealt nothing from now on, still alive while its cycles wind down
    }

    /**
     * Running cycles get {@code shutdown-grace} to commit the page in flight and stop (they are then
     * recorded as abandoned, due at once); whatever still runs after that is interrupted. Closing a
     * cycle releases its lock, and leaving the replica table hands its sources to the others at
     * their next tick rather than after its lease runs out.
     */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        heartbeat();
        workers.shutdown();
        if (!workers.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warnf("Sync cycles still running after %s; interrupting them", config.shutdownGrace());
            workers.shutdownNow();
            workers.awaitTermination(5, TimeUnit.SECONDS);
        }
        leave();
    }

    /** Its lease gone: once its cycles have ended, nothing of this replica is left to wait for. */
    private void leave() {
        try {
            replicas.leave();
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not remove replica %s from the replica table; its lease runs out instead", replicas.id());
        }
    }

    boolean stopping() {
        return stopping;
    }

    /**
     * Starts the due, enabled, supported sources shared out to this replica, and those due for longer
     * than {@code takeover-delay} whoever they are shared out to (their replica died, is stopping or busy).
     */
    public void tick() {
        if (stopping) {
            return;
        }
        List<SourceRepository.Due> due;
        List<String> alive;
        Instant now = clock.instant();
        try {
            alive = replicas.dealtIn(false);
            due = repository.due(now);
        } catch (RuntimeException e) {
            if (!tickFailing) {
                LOG.warnf("Sync paused: the store cannot be read (%s); retrying every %s", describe(e), config.tick());
            }
            tickFailing = true;
            return;
        }
        if (tickFailing) {
            LOG.info("Sync resumed: the store answers again");
            tickFailing = false;
        }
        List<String> shared = sources.all().stream()
                .filter(s -> s.enabled() && connectors.forSource(s).isPresent())
                .map(SourceDefinition::id).sorted().toList();
        for (SourceRepository.Due source : due) {
            boolean ours = shared.contains(source.id())
                    && replicas.id().equals(Replicas.shareOf(source.id(), shared, alive));
            boolean unattended = source.nextSyncAt() == null
                    || !source.nextSyncAt().plus(config.takeoverDelay()).isAfter(now);
            if (ours || unattended) {
                sources.find(source.id()).filter(s -> connectors.forSource(s).isPresent())
                        .filter(SourceDefinition::enabled).ifPresent(s -> startDue(s, unattended));
            }
        }
    }

    /**
     * A source overdue whose lock another session holds: a live cycle (nothing to do), or one of a
     * replica that is frozen or cut off but whose session PostgreSQL still keeps (a stopped process,
     * a long pause, a partition where TCP stays up). The lease tells them apart: a holder whose
     * replica's lease ran out has its session ended, so the source is taken over at the next tick;
     * should that replica wake up, its cycle has lost its lock and its epoch, and writes nothing.
     */
    private void startDue(SourceDefinition source, boolean unattended) {
        try {
            if (start(source, true) == Start.ALREADY_RUNNING && unattended && !running.contains(source.id())
                    && lock.endVanishedHolder(source.id())) {
                start(source, true);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "Could not start a sync cycle of source %s", source.id());
        }
    }

    private void heartbeat() {
        try {
            replicas.beat(stopping);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Heartbeat of replica %s failed", replicas.id()); // the tick reports store outages
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

    /**
     * A full re-read ({@code POST /api/v1/sources/{id}/reread}): the source's checkpoints are
     * forgotten and it is due at once; a cycle running now ends at its next page as superseded.
     * False for an unknown source.
     */
    public boolean reread(String sourceId) {
        if (sources.find(sourceId).isEmpty()) {
            return false;
        }
        repository.forgetCheckpoints(sourceId, clock.instant());
        LOG.infof("Source %s will be read again from scratch: its checkpoints were reset", sourceId);
        return true;
    }

    public boolean isRunning(String sourceId) {
        return running.contains(sourceId);
    }

    /**
     * Takes the source's lock and hands the cycle to a worker. Never queues: a queued cycle would hold
     * the lock while waiting, keeping other replicas from the source. With max-concurrent-sources
     * running, the tick simply tries again later.
     */
    private synchronized Start start(SourceDefinition source, boolean onlyIfDue) throws SQLException {
        if (stopping) {
            return Start.STOPPING;
        }
        if (running.contains(source.id())) {
            return Start.ALREADY_RUNNING;
        }
        if (running.size() >= config.maxConcurrentSources()) {
            return Start.BUSY;
        }
        running.add(source.id());
        Optional<SourceLock.Held> held = Optional.empty();
        boolean handedOver = false;
        try {
            held = lock.tryAcquire(source.id());
            if (held.isEmpty()) {
                return Start.ALREADY_RUNNING;
            }
            // another replica may have finished this source's cycle between our look and the lock
            if (onlyIfDue && !repository.isDue(source.id(), clock.instant())) {
                return Start.ALREADY_RUNNING;
            }
            SourceLock.Held cycleLock = held.get();
            workers.execute(() -> runCycle(source, cycleLock));
            handedOver = true;
            return Start.STARTED;
        } finally {
            if (!handedOver) { // whatever went wrong (the store, shutting down), the lock goes back at once
                running.remove(source.id());
                if (held.isPresent()) {
                    held.get().close();
                }
            }
        }
    }

    private void runCycle(SourceDefinition source, SourceLock.Held held) {
        MDC.put("source", source.id());
        Instant started = clock.instant();
        // the outcome is recorded while the lock is still held: released first, another replica
        // could start at once, skip the back-off and have its SYNCING overwritten by our result
        try (held) {
            long epoch = repository.markStarted(source.id(), started);
            Cycle cycle = new Cycle(source.id(), epoch, held, writer, queries, metrics, this::stopping);
            try {
                cycle.resume(checkpoints.load(source.id()));
                connectors.forSource(source).orElseThrow().sync(source, cycle);
                Instant finished = clock.instant();
                if (repository.markSucceeded(source.id(), epoch, finished, started.plus(source.pollInterval()),
                        storable(cycle.problem()))) {
                    metrics.succeeded(source.id(), finished);
                    finish(source, cycle, "success", started, null);
                } else {
                    finish(source, cycle, "superseded", started, "another cycle took the source over");
                }
            } catch (Exception e) {
                ended(source, cycle, epoch, started, e);
            }
        } catch (Exception e) {
            if (DatabaseOutage.isCause(e)) {
                // nothing to do but wait: its pages are committed with their checkpoints, and once the
                // store answers again the source is still due and the next cycle carries on
                LOG.warnf("The sync cycle of source %s ended without a store to record it in (%s)", source.id(), describe(e));
            } else {
                LOG.errorf(e, "Could not record the end of the sync cycle of source %s", source.id());
            }
        } finally {
            running.remove(source.id());
            MDC.remove("source");
        }
    }

    /** A cycle that did not finish: superseded, abandoned on shutdown, or failed (backing off). */
    private void ended(SourceDefinition source, Cycle cycle, long epoch, Instant started, Exception e) {
        Instant now = clock.instant();
        if (e instanceof Cycle.Superseded) {
            finish(source, cycle, "superseded", started, e.getMessage());
        } else if (stopping) {
            boolean recorded = repository.markAbandoned(source.id(), epoch, now, config.failingAfter());
            finish(source, cycle, recorded ? "abandoned" : "superseded", started, "replica stopping: " + describe(e));
        } else {
            LOG.debugf(e, "Sync cycle of source %s failed", source.id());
            String error = describe(e);
            Optional<SourceState> state = repository.markFailed(source.id(), epoch, now, error, config.failingAfter(),
                    failures -> now.plus(backoff(source.pollInterval(), failures)));
            finish(source, cycle, state.map(s -> s.name().toLowerCase()).orElse("superseded"), started, error);
        }
    }

    /** The poll interval doubled per failure in a row, capped; a failing source keeps being retried. */
    Duration backoff(Duration pollInterval, int failures) {
        Duration delay = pollInterval.multipliedBy(1L << Math.min(failures, 20));
        return delay.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : delay;
    }

    private void finish(SourceDefinition source, Cycle cycle, String outcome, Instant started, String error) {
        Instant finished = clock.instant();
        Duration duration = Duration.between(started, finished);
        metrics.cycle(source.id(), outcome, duration);
        record(source, cycle, outcome, started, finished, error);
        String line = String.format("sync cycle source=%s vendor=%s outcome=%s duration_ms=%d pages=%d inserted=%d "
                        + "updated=%d unchanged=%d bad_records=%d", source.id(), source.vendor(), outcome,
                duration.toMillis(), cycle.pages, cycle.inserted, cycle.updated, cycle.unchanged, cycle.badRecords);
        if (error == null || outcome.equals("abandoned")) { // abandoning is what a clean stop does
            LOG.info(error == null ? line : line + " reason=\"" + error + "\"");
        } else {
            LOG.warn(line + " error=\"" + error + "\"");
        }
    }

    /** The cycle in the source's history (the console's recent cycles); a failure to record ends nothing. */
    private void record(SourceDefinition source, Cycle cycle, String outcome, Instant started, Instant finished,
                        String error) {
        SyncCycleEntity entry = new SyncCycleEntity();
        entry.sourceId = source.id();
        entry.startedAt = started;
        entry.finishedAt = finished;
        entry.outcome = switch (outcome) {
            case "success" -> SyncCycleEntity.Outcome.SUCCEEDED;
            case "abandoned" -> SyncCycleEntity.Outcome.ABANDONED;
            case "superseded" -> SyncCycleEntity.Outcome.SUPERSEDED;
            default -> SyncCycleEntity.Outcome.FAILED; // backing_off, failing
        };
        entry.pages = cycle.pages;
        entry.runsWritten = cycle.inserted + cycle.updated;
        entry.badRecords = cycle.badRecords;
        entry.error = storable(error != null ? error : cycle.problem());
        try {
            history.record(entry);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not record the sync cycle of source %s in its history", source.id());
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
        return storable(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    /**
     * Bounded and NUL-free whatever a connector or vendor put in it: PostgreSQL text refuses NUL, and
     * a last error that cannot be written would leave the source's failure unrecorded every cycle.
     */
    static String storable(String message) {
        if (message == null) {
            return null;
        }
        String clean = message.replace('\u0000', '\uFFFD');
        return clean.length() <= 1000 ? clean : clean.substring(0, clean.offsetByCodePoints(0, 990)) + "…";
    }
}
