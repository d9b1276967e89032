package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.eset.simulator.AdminWire.Fault;
import dev.taskruns.connector.eset.simulator.AdminWire.FaultSettings;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Random;

/** The fault switches and the per-call decision drawn from them. */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class Faults {

    private static final int[] SERVER_ERRORS = {500, 502, 503};

    /** What to do to one call: wait first, then fail with {@code status} (0: don't), or answer 202. */
    record Decision(long delayMillis, int status, boolean defer) {
    }

    /** One fault: forced on the next {@code next} calls, then drawn with {@code probability}. */
    private static final class Switch {
        private double probability;
        private int next;

        boolean fires(Random random) {
            if (next > 0) {
                next--;
                return true;
            }
            return probability > 0 && random.nextDouble() < probability;
        }

        Fault snapshot() {
            return new Fault(probability, next);
        }

        void set(Fault fault) {
            if (fault != null) {
                probability = fault.probability() != null ? fault.probability() : probability;
                next = fault.next() != null ? fault.next() : next;
            }
        }
    }

    private final EsetSimulatorConfig.Faults defaults;
    private final Random random;
    private final Switch serverError = new Switch();
    private final Switch throttle = new Switch();
    private final Switch timeout = new Switch();
    private final Switch deferred = new Switch();
    private final Switch slow = new Switch();
    private int rateLimitPerSecond;
    private int deferredPolls;
    private long slowDelayMillis;
    private int serverErrors;

    public Faults(EsetSimulatorConfig config) {
        this.defaults = config.faults();
        this.random = new Random(config.seed());
        reset();
    }

    synchronized FaultSettings settings() {
        return new FaultSettings(rateLimitPerSecond, serverError.snapshot(), throttle.snapshot(), timeout.snapshot(),
                deferred.snapshot(), deferredPolls, slow.snapshot(), slowDelayMillis);
    }

    /** Applies the members sent, or throws IllegalArgumentException naming a bad value and changes nothing. */
    synchronized FaultSettings update(FaultSettings update) {
        check("serverError", update.serverError());
        check("throttle", update.throttle());
        check("timeout", update.timeout());
        check("deferred", update.deferred());
        check("slow", update.slow());
        nonNegative("rateLimitPerSecond", update.rateLimitPerSecond());
        nonNegative("deferredPolls", update.deferredPolls());
        nonNegative("slowDelayMillis", update.slowDelayMillis());
        serverError.set(update.serverError());
        throttle.set(update.throttle());
        timeout.set(update.timeout());
        deferred.set(update.deferred());
        slow.set(update.slow());
        rateLimitPerSecond = update.rateLimitPerSecond() != null ? update.rateLimitPerSecond() : rateLimitPerSecond;
        deferredPolls = update.deferredPolls() != null ? update.deferredPolls() : deferredPolls;
        slowDelayMillis = update.slowDelayMillis() != null ? update.slowDelayMillis() : slowDelayMillis;
        return settings();
    }

    /** Back to the configured defaults. */
    synchronized void reset() {
        serverError.set(new Fault(defaults.serverErrorProbability(), 0));
        throttle.set(new Fault(defaults.throttleProbability(), 0));
        timeout.set(new Fault(defaults.timeoutProbability(), 0));
        deferred.set(new Fault(defaults.deferredProbability(), 0));
        slow.set(new Fault(defaults.slowProbability(), 0));
        rateLimitPerSecond = defaults.rateLimitPerSecond();
        deferredPolls = defaults.deferredPolls();
        slowDelayMillis = defaults.slowDelay().toMillis();
        serverErrors = 0;
    }

    synchronized int rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    synchronized int deferredPolls() {
        return deferredPolls;
    }

    /** @param mayDefer false for re-sends carrying a response-id: those are already deferred */
    synchronized Decision decide(boolean mayDefer) {
        long delay = slow.fires(random) ? slowDelayMillis : 0;
        int status = 0;
        if (timeout.fires(random)) {
            status = 504;
        } else if (serverError.fires(random)) {
            status = SERVER_ERRORS[serverErrors++ % SERVER_ERRORS.length];
        } else if (throttle.fires(random)) {
            status = 429;
        }
        boolean defer = status == 0 && mayDefer && deferred.fires(random);
        return new Decision(delay, status, defer);
    }

    private static void check(String name, Fault fault) {
        if (fault != null && fault.probability() != null && !(fault.probability() >= 0 && fault.probability() <= 1)) {
            throw new IllegalArgumentException(name + ".probability must be between 0 and 1");
        }
        if (fault != null) {
            nonNegative(name + ".next", fault.next());
        }
    }

    private static void nonNegative(String name, Number value) {
        if (value != null && value.doubleValue() < 0) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
