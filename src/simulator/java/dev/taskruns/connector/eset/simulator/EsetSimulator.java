package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.simulator.CallCounts;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** The current simulated account; a reset swaps in a freshly seeded one and clears every other state. */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetSimulator {

    private final EsetSimulatorConfig config;
    private final EsetClock clock;
    private final Tokens tokens;
    private final Faults faults;
    private final DeferredResponses deferred;
    private final EsetRateLimiter rateLimiter;
    private final CallCounts calls = new CallCounts();
    private volatile World world;

    public EsetSimulator(EsetSimulatorConfig config, EsetClock clock, Tokens tokens, Faults faults,
                         DeferredResponses deferred, EsetRateLimiter rateLimiter) {
        this.config = config;
        this.clock = clock;
        this.tokens = tokens;
        this.faults = faults;
        this.deferred = deferred;
        this.rateLimiter = rateLimiter;
        this.world = World.seed(config.seed(), config.devices(), config.tasks(), config.activeTasks(), clock.now());
    }

    World world() {
        return world;
    }

    Instant now() {
        return clock.now();
    }

    CallCounts calls() {
        return calls;
    }

    /**
     * Fresh data, clock, tokens, faults, cached answers, rate windows and call counts. Seed and sizes default to
     * the configured ones; tests pass others, e.g. more than 1000 tasks to see page sizes coerced, or
     * only active tasks to measure how fast a change gets through.
     */
    synchronized Instant reset(Long seed, Integer devices, Integer tasks, Boolean active) {
        Instant now = clock.reset();
        tokens.clear();
        faults.reset();
        deferred.clear();
        rateLimiter.clear();
        calls.clear();
        world = World.seed(seed != null ? seed : config.seed(), devices != null ? devices : config.devices(),
                tasks != null ? tasks : config.tasks(), active != null ? active : config.activeTasks(), now);
        return now;
    }
}
