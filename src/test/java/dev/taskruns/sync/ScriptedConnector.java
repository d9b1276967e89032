package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A connector whose cycles the test scripts: stands in for the Alibaba vendor (source "gamma")
 * so the engine can be exercised without any vendor.
 */
@ApplicationScoped
public class ScriptedConnector implements VendorConnector {

    @FunctionalInterface
    public interface Script {
        void run(SourceDefinition source, SyncContext context) throws Exception;
    }

    private volatile Script script = (source, context) -> { };

    public void script(Script next) {
        this.script = next;
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
