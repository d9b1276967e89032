package dev.taskruns.connector.simulator;

import java.util.Random;

/** One injected fault's state. Not thread-safe: its owner's lock guards it. */
public final class FaultSwitch {

    private double probability;
    private int next;

    /** Forced while {@code next} lasts, then drawn with {@code probability}. */
    public boolean fires(Random random) {
        if (next > 0) {
            next--;
            return true;
        }
        return probability > 0 && random.nextDouble() < probability;
    }

    public Fault snapshot() {
        return new Fault(probability, next);
    }

    /** Applies the members present; call {@link Fault#check} first. */
    public void set(Fault fault) {
        if (fault != null) {
            probability = fault.probability() != null ? fault.probability() : probability;
            next = fault.next() != null ? fault.next() : next;
        }
    }

    /** The "slow answers" fault: the one deliberate wait in a simulator. */
    public static void delay(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
