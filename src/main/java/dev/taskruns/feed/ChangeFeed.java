package dev.taskruns.feed;

import dev.taskruns.store.ChangeRetention;
import dev.taskruns.store.RunFilter;
import dev.taskruns.store.RunQueries;
import dev.taskruns.store.RunQueries.ChangeBounds;
import dev.taskruns.store.RunQueries.ChangeStretch;
import dev.taskruns.store.SyncCycleRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change feed as this replica serves it: where a reader starts, reading on, waiting for the
 * feed to grow, and retention. Change rows are written by the batch write (RunStore), ids in commit
 * order; this side only reads, so changes another replica commits reach this replica's streams by
 * the same path as its own: a poll of the feed's newest id while streams are open.
 */
@ApplicationScoped
public class ChangeFeed {

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);

    /** A resume point the feed cannot serve from: retention removed what followed it, or it never existed. */
    public static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    /** An open stream: closed at shutdown so that clients reconnect, with their last id, to another replica. */
    public interface Stream {
        void close();
    }

    private final RunQueries queries;
    private final ChangeRetention retention;
    private final SyncCycleRepository cycles;
    private final ChangeFeedConfig config;
    private final Clock clock;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grown = lock.newCondition();
    private long head; // guarded by lock: the newest id this replica has seen
    private volatile boolean stopping;

    public ChangeFeed(RunQueries queries, ChangeRetention retention, SyncCycleRepository cycles,
                      ChangeFeedConfig config, Clock clock) {
        this.queries = queries;
        this.retention = retention;
        this.cycles = cycles;
        this.config = config;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event, Scheduler scheduler, MeterRegistry registry) {
        Gauge.builder("taskruns.changes.streams", streams, Set::size)
                .description("Change feed streams open on this replica").register(registry);
        scheduler.newJob("taskruns-changes-poll")
                .setInterval(config.pollInterval().toMillis() + "ms")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> poll())
                .schedule();
        // every replica prunes; the deletes are idempotent and a chunk at a time, so they never clash for long
        scheduler.newJob("taskruns-changes-retention")
                .setInterval(Math.max(60_000, config.retention().toMillis() / 100) + "ms")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> prune())
                .schedule();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        streams.forEach(Stream::close);
        signal();
    }

    /**
     * Where a reader starts: after {@code after} when given (410 when retention has removed changes
     * that followed it, or when it lies beyond the feed's end: a store restored from a backup, or
     * another deployment's id), at the present for {@code since=now}, else at the oldest change kept.
     * The start comes with the feed's end as just read, so a first page needs no second look.
     */
    public Start startAfter(Long after, boolean sinceNow) {
        ChangeBounds bounds = queries.changeBounds();
        if (sinceNow) {
            return new Start(bounds.head(), bounds.head());
        }
        if (after == null) {
            return new Start(bounds.prunedThrough(), bounds.head());
        }
        if (after < bounds.prunedThrough()) {
            throw new Gone("Changes after id " + after + " are no longer kept (retention " + config.retention()
                    + "); read the current state from /api/v1/last-runs and follow the feed with since=now");
        }
        if (after > bounds.head()) {
            throw new Gone("No change with id " + after + " was ever stored here (a restored store or another "
                    + "deployment's id); read the current state from /api/v1/last-runs and follow the feed with since=now");
        }
        return new Start(after, bounds.head());
    }

    /** A reader's first position, and the feed's end when it was taken. */
    public record Start(long after, long head) {
    }

    /** Up to {@code limit} changes the filter keeps after the start, up to the end read with it. */
    public ChangeStretch first(Start start, RunFilter filter, int limit) {
        return start.after() >= start.head() ? new ChangeStretch(List.of(), start.after(), true)
                : queries.changes(filter, start.after(), start.head(), limit);
    }

    /**
     * Up to {@code limit} changes the filter keeps after {@code after}, up to the feed's current end.
     * A stream so far behind that retention removed what it has not read yet ends (Gone) rather than
     * skip it: the client reconnects with its last id and is told (410).
     */
    public ChangeStretch read(RunFilter filter, long after, int limit) {
        ChangeBounds bounds = queries.changeBounds();
        if (after < bounds.prunedThrough()) {
            throw new Gone("Retention removed changes after id " + after + " before they were read");
        }
        return queries.changes(filter, after, bounds.head(), limit);
    }

    /** Registers an open stream until it ends; false when this replica is stopping and takes none. */
    public boolean open(Stream stream) {
        streams.add(stream);
        if (stopping) {
            streams.remove(stream);
            return false;
        }
        return true;
    }

    public void closed(Stream stream) {
        streams.remove(stream);
    }

    public boolean stopping() {
        return stopping;
    }

    /** Waits until the feed has grown beyond {@code position} (or {@code max} passed, or shutdown). */
    public void awaitBeyond(long position, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        lock.lock();
        try {
            long left;
            while (head <= position && !stopping && (left = deadline - System.nanoTime()) > 0) {
                grown.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** One query per poll interval for all of this replica's streams, and none while no stream is open. */
    void poll() {
        if (streams.isEmpty()) {
            return;
        }
        try {
            long newest = queries.changeBounds().head();
            lock.lock();
            try {
                if (newest != head) {
                    head = newest;
                    grown.signalAll();
                }
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not read the change feed's end; streams wait for the next poll");
        }
    }

    private void signal() {
        lock.lock();
        try {
            grown.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Changes and cycle history older than the retention, a chunk per transaction. */
    void prune() {
        Instant cutoff = clock.instant().minus(config.retention());
        try {
            long removed = 0;
            int chunk;
            do {
                chunk = retention.pruneChunk(cutoff);
                removed += chunk;
            } while (chunk == ChangeRetention.CHUNK && !stopping);
            long cyclesRemoved = cycles.pruneBefore(cutoff);
            if (removed > 0 || cyclesRemoved > 0) {
                LOG.infof("Retention removed %d changes and %d sync cycles older than %s", removed, cyclesRemoved, cutoff);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Change feed retention did not run (%s); it retries at its next interval", e.toString());
        }
    }
}
