package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connector whose cycles the test scripts, serving source "gamma" (see {@link ScriptedConnectors})
 * so the engine can be exercised without any vendor. Not typed as a VendorConnector bean: the real
 * connector of gamma's vendor stays registered for the other sources.
 */
@ApplicationScoped
@Typed(ScriptedConnector.class)
public class ScriptedConnector implements VendorConnector {

    @FunctionalInterface
    public interface Script {
        void run(SourceDefinition source, SyncContext context) throws Exception;
    }

    private volatile Script script = (source, context) -> { };

    public void script(Script next) {
        this.script = next;
    }

    /** The next cycle waits inside the connector until the gate opens, then runs {@code then}. */
    public Gate hold(Script then) {
        Gate gate = new Gate();
        script((source, context) -> {
            gate.entered.countDown();
            gate.open.await(30, TimeUnit.SECONDS);
            then.run(source, context);
        });
        return gate;
    }

    /** A cycle held inside the connector. */
    public static final class Gate {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        /** Whether the cycle reached the connector within 30 s. */
        public boolean entered() throws InterruptedException {
            return entered.await(30, TimeUnit.SECONDS);
        }

        public void open() {
            open.countDown();
        }
    }

    @Override
    public Vendor vendor() {
        return Vendor.ALIBABA;
    }

    @Override
    public void sync(SourceDefinition source, SyncContext context) throws Exception {
        script.run(source, context);
    }
}
