package dev.taskruns.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/** How the engine schedules cycles ({@code taskruns.sync.*}); per-source intervals live on the sources. */
@ConfigMapping(prefix = "taskruns.sync")
public interface SyncConfig {

    /** Start cycles on schedule; when false, only {@code POST /api/v1/sources/{id}/sync} starts them. */
    @WithDefault("true")
    boolean schedulerEnabled();

    /** How often each replica looks for due sources (one small query). */
    @WithDefault("1s")
    Duration tick();

    /** Sources synced at the same time by one replica. */
    @WithDefault("4")
    @Min(1)
    int maxConcurrentSources();

    /** Failed cycles in a row after which a source is FAILING rather than BACKING_OFF. */
    @WithDefault("3")
    @Min(1)
    int failingAfter();

    /** Upper bound of the retry delay after failures (it doubles from the poll interval). */
    @WithDefault("30m")
    Duration maxBackoff();
}
