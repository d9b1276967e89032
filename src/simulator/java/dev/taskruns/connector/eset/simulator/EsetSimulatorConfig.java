package dev.taskruns.connector.eset.simulator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code taskruns.simulator.eset.*}: the simulated ESET Connect account, its data set and default faults. */
@ConfigMapping(prefix = "taskruns.simulator.eset")
public interface EsetSimulatorConfig {

    @WithDefault("demo@example.com")
    String username();

    @WithDefault("demo-password")
    String password();

    /** Access token lifetime ({@code expires_in}); the vendor's example is 3600 s. */
    @WithDefault("3600s")
    Duration tokenLifetime();

    @WithDefault("300")
    int devices();

    @WithDefault("200")
    int tasks();

    /** Every task active for a client (recent, none deleted): a sync reads each one every cycle. */
    @WithDefault("false")
    boolean activeTasks();

    /** Same seed, same data set (relative to the moment of seeding). */
    @WithDefault("42")
    long seed();

    /** A frozen clock only moves through the admin API: status changes become deterministic for tests. */
    @WithDefault("false")
    boolean frozenClock();

    Faults faults();

    /** Fault defaults, also restored by the admin reset; all off except the vendor's documented rate limit. */
    interface Faults {
        /** Calls per second per credentials before 429 (vendor: 10); 0 switches the limit off. */
        @WithDefault("10")
        int rateLimitPerSecond();

        @WithDefault("0")
        double serverErrorProbability();

        @WithDefault("0")
        double throttleProbability();

        @WithDefault("0")
        double timeoutProbability();

        @WithDefault("0")
        double deferredProbability();

        /** How many re-sends with {@code response-id} still answer 202 before the result is ready. */
        @WithDefault("1")
        int deferredPolls();

        @WithDefault("0")
        double slowProbability();

        @WithDefault("0ms")
        Duration slowDelay();
    }
}
