package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;

/**
 * The simulator's notion of now: wall time (or a frozen instant) plus whatever the admin API
 * advanced it by, so token expiry, run status changes and cache expiry can be tested without sleeping.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class SimulatorClock {

    private final boolean frozen;
    private Instant frozenAt;
    private Duration offset = Duration.ZERO;

    public SimulatorClock(EsetSimulatorConfig config) {
        this.frozen = config.frozenClock();
        this.frozenAt = Instant.now();
    }

    public synchronized Instant now() {
        return (frozen ? frozenAt : Instant.now()).plus(offset);
    }

    public synchronized Instant advance(Duration by) {
        offset = offset.plus(by);
        return now();
    }

    /** Back to wall time (a frozen clock freezes again at the current wall time). */
    public synchronized Instant reset() {
        offset = Duration.ZERO;
        frozenAt = Instant.now();
        return now();
    }
}
