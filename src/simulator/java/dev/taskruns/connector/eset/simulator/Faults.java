package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.eset.simulator.AdminWire.FaultSettings;
import dev.taskruns.connector.simulator.Fault;
import dev.taskruns.connector.simulator.FaultSwitch;
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

    private final EsetSimulatorConfig.Faults defaults;
    private final Random random;
    private final FaultSwitch serverError = new FaultSwitch();
    private final FaultSwitch throttle = new FaultSwitch();
    private final FaultSwitch timeout = new FaultSwitch();
    private final FaultSwitch deferred = new FaultSwitch();
    private final FaultSwitch slow = new FaultSwitch();
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
        Fault.check("serverError", update.serverError());
        Fault.check("throttle", update.throttle());
        Fault.check("timeout", update.timeout());
        Fault.check("deferred", update.deferred());
        Fault.check("slow", update.slow());
        Fault.nonNegative("rateLimitPerSecond", update.rateLimitPerSecond());
        Fault.nonNegative("deferredPolls", update.deferredPolls());
        Fault.nonNegative("slowDelayMillis", update.slowDelayMillis());
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
}
