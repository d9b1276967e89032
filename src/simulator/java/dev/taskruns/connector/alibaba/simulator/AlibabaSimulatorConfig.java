package dev.taskruns.connector.alibaba.simulator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code taskruns.simulator.alibaba.*}: the simulated Threat Analysis and Response account, its data and default faults. */
@ConfigMapping(prefix = "taskruns.simulator.alibaba")
public interface AlibabaSimulatorConfig {

    @WithDefault("demo-access-key-id")
    String accessKeyId();

    @WithDefault("demo-access-key-secret")
    String accessKeySecret();

    /** Same seed, same data set (relative to the moment of seeding). */
    @WithDefault("42")
    long seed();

    @WithDefault("300")
    int entities();

    /** Tasks seeded over the 30 days before the moment of seeding. */
    @WithDefault("2000")
    int tasks();

    /** One new task per interval of simulated time. */
    @WithDefault("20s")
    Duration arrivalInterval();

    /** A frozen clock only moves through the admin API: status changes become deterministic for tests. */
    @WithDefault("false")
    boolean frozenClock();

    Faults faults();

    /** Fault defaults, also restored by the admin reset; all off except the rate limit. */
    interface Faults {
        /** Calls per second per AccessKeyId before {@code Throttling.User}; 0 switches the limit off. */
        @WithDefault("20")
        int rateLimitPerSecond();

        @WithDefault("0")
        double throttleProbability();

        /** HTTP status of an injected throttle: 400 ({@code Throttling.User}) or 429 ({@code Throttling}). */
        @WithDefault("400")
        int throttleStatus();

        @WithDefault("0")
        double serverErrorProbability();

        @WithDefault("0")
        double slowProbability();

        @WithDefault("0ms")
        Duration slowDelay();

        /** New tasks added at the simulated now by every DescribeProcessTasks call, before it is answered. */
        @WithDefault("0")
        int arrivals();
    }
}
