package dev.taskruns.feed;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The change feed ({@code taskruns.changes.*}): how long changes are kept and how streams are served. */
@ConfigMapping(prefix = "taskruns.changes")
public interface ChangeFeedConfig {

    /** Changes (and sync cycle history) older than this are removed; resuming from before answers 410. */
    @WithDefault("7d")
    Duration retention();

    /** How often a replica with open streams looks for new changes: the feed's added latency at most. */
    @WithDefault("500ms")
    Duration pollInterval();

    /** An idle stream gets a comment line this often (the contract promises at least every 15 s). */
    @WithDefault("10s")
    Duration heartbeat();
}
