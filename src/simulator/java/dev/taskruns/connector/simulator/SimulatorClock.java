package dev.taskruns.connector.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * A simulator's notion of now: wall time (or a frozen instant) plus whatever its admin API
 * advanced it by, so expiry and status changes can be tested without sleeping. Each simulator owns
 * its own clock, so advancing one leaves the others alone.
 */
public class SimulatorClock {

    private final boolean frozen;
    private Instant frozenAt;
    private Duration offset = Duration.ZERO;

    public SimulatorClock(boolean frozen) {
        this.frozen = frozen;
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
