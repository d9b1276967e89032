package dev.taskruns.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import java.time.Duration;
import java.util.Optional;

/** How the engine schedules cycles ({@code taskruns.sync.*}); per-source intervals live on the sources. */
@ConfigMapping(prefix = "taskruns.sync")
public interface SyncConfig {

    /** Start cycles on schedule; when false, only {@code POST /api/v1/sources/{id}/sync} starts them. */
    @WithDefault("true")
    boolean schedulerEnabled();

    /** How often each replica looks for due sources (one small query). */
    @WithDefault("1s")
    Duration tick();

    /**
     * Sources synced at the same time by one replica. A running cycle costs a virtual thread and, only
     * while it writes a page, a pooled connection (the locks share one session), so this bounds work
     * in flight, not waiting. Capacity rule: the sum over this replica's sources of cycle time ÷ poll
     * interval must stay below it, with room for backfills (docs/sync-engine.md, "Capacity").
     */
    @WithDefault("16")
    @Min(1)
    int maxConcurrentSources();

    /** Failed cycles in a row after which a source is FAILING rather than BACKING_OFF. */
    @WithDefault("3")
    @Min(1)
    int failingAfter();

    /** Upper bound of the retry delay after failures (it doubles from the poll interval). */
    @WithDefault("30m")
    Duration maxBackoff();

    /**
     * This replica's name among the replicas (lease table, and the application name of its lock
     * sessions); unique per running process. Default: the host name (the pod's name on Kubernetes),
     * the process id and a random part.
     */
    Optional<@Pattern(regexp = "[A-Za-z0-9._-]{1,40}") String> replicaId();

    /**
     * How often a replica renews its lease in {@code sync_replica}; a replica whose lease is three
     * heartbeats old counts as gone when sources are shared out.
     */
    @WithDefault("5s")
    Duration heartbeat();

    /**
     * How long a due source waits for the replica it is shared out to before any other replica takes
     * it (that replica died, is stopping or has every worker busy).
     */
    @WithDefault("5s")
    Duration takeoverDelay();

    /**
     * How often the idle connection holding a source's lock runs a trivial query during a cycle, so a
     * proxy or firewall that cuts idle connections does not drop the lock while vendor calls wait.
     */
    @WithDefault("30s")
    Duration lockKeepAlive();

    /**
     * On shutdown, how long running cycles get to commit the page in flight and stop; after that
     * their vendor calls are interrupted. The Kubernetes termination grace period covers it.
     */
    @WithDefault("10s")
    Duration shutdownGrace();
}
