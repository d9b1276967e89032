package dev.taskruns.chaos;

import dev.taskruns.support.SimulatorAdmin;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the vendors' data changing while the chaos runs, on the simulators' frozen clocks (test
 * profile), then freezes them so the final state can be compared exactly. Every second ESET moves
 * {@code esetSpeed} seconds (statuses move, recurring tasks run, access tokens expire on the vendor's
 * side long before the client expects it) and Alibaba follows the wall clock {@code alibabaBehind}
 * behind: the replicas read Alibaba windows up to their own wall clock less {@code lag}, so simulated
 * time must never run ahead of it or fresh tasks would be invisible to them.
 */
final class VendorTime implements AutoCloseable {

    private final SimulatorAdmin eset;
    private final SimulatorAdmin alibaba;
    private final long esetSpeed;
    private final Duration alibabaBehind;
    private ScheduledExecutorService ticker;

    VendorTime(SimulatorAdmin eset, SimulatorAdmin alibaba, long esetSpeed, Duration alibabaBehind) {
        this.eset = eset;
        this.alibaba = alibaba;
        this.esetSpeed = esetSpeed;
        this.alibabaBehind = alibabaBehind;
    }

    void run() {
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vendor-time").daemon().factory());
        ticker.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /** Stops the clocks where they are; returns once no advance is in flight. */
    void freeze() throws InterruptedException {
        if (ticker != null) {
            ticker.shutdown();
            ticker.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        freeze();
    }

    private void tick() {
        try {
            eset.advance(esetSpeed);
            long behind = Duration.between(alibaba.now(), Instant.now().minus(alibabaBehind)).toSeconds();
            if (behind > 0) {
                alibaba.advance(behind);
            }
        } catch (RuntimeException e) { // a lost tick only slows the data down; the next one catches up
            System.err.println("vendor-time: " + e);
        }
    }
}
