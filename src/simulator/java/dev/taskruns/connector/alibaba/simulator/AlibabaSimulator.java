package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.connector.simulator.CallCounts;
import dev.taskruns.connector.simulator.RateLimiter;
import dev.taskruns.connector.simulator.SimulatorClock;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * The current simulated account and everything a reset clears: its own clock, rate windows, used
 * nonces and call counts. A reset swaps in a freshly seeded world.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class AlibabaSimulator {

    private final AlibabaSimulatorConfig config;
    private final Faults faults;
    private final SimulatorClock clock;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final Nonces nonces = new Nonces();
    private final CallCounts calls = new CallCounts();
    private volatile World world;

    public AlibabaSimulator(AlibabaSimulatorConfig config, Faults faults) {
        this.config = config;
        this.faults = faults;
        this.clock = new SimulatorClock(config.frozenClock());
        this.world = World.seed(config.seed(), config.entities(), config.tasks(), config.arrivalInterval(), clock.now());
    }

    World world() {
        return world;
    }

    SimulatorClock clock() {
        return clock;
    }

    /** The simulated now (tests keep the service's clock from running behind it). */
    public Instant now() {
        return clock.now();
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    Nonces nonces() {
        return nonces;
    }

    /** The secret of a known AccessKeyId, else null. */
    String secretOf(String accessKeyId) {
        return config.accessKeyId().equals(accessKeyId) ? config.accessKeySecret() : null;
    }

    CallCounts calls() {
        return calls;
    }

    /** Fresh data, clock, nonces, faults, rate windows and call counts; seed and sizes default to the configured ones. */
    synchronized Instant reset(Long seed, Integer entities, Integer tasks) {
        Instant now = clock.reset();
        faults.reset();
        rateLimiter.clear();
        nonces.clear();
        calls.clear();
        world = World.seed(seed != null ? seed : config.seed(), entities != null ? entities : config.entities(),
                tasks != null ? tasks : config.tasks(), config.arrivalInterval(), now);
        return now;
    }
}
