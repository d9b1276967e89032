package dev.taskruns.vendor.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** The current simulated account; a reset swaps in a freshly seeded one and clears every other state. */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetSimulator {

    private final EsetSimulatorConfig config;
    private final SimulatorClock clock;
    private final Tokens tokens;
    private final Faults faults;
    private final DeferredResponses deferred;
    private final RateLimiter rateLimiter;
    private volatile World world;

    public EsetSimulator(EsetSimulatorConfig config, SimulatorClock clock, Tokens tokens, Faults faults,
                         DeferredResponses deferred, RateLimiter rateLimiter) {
        this.config = config;
        this.clock = clock;
        this.tokens = tokens;
        this.faults = faults;
        this.deferred = deferred;
        this.rateLimiter = rateLimiter;
        this.world = World.seed(config.seed(), config.devices(), config.tasks(), clock.now());
    }

    World world() {
        return world;
    }

    Instant now() {
        return clock.now();
    }

    /** Fresh data (same seed unless another is given), clock, tokens, faults, cached answers and rate windows. */
    synchronized Instant reset(Long seed) {
        Instant now = clock.reset();
        tokens.clear();
        faults.reset();
        deferred.clear();
        rateLimiter.clear();
        world = World.seed(seed != null ? seed : config.seed(), config.devices(), config.tasks(), now);
        return now;
    }
}
