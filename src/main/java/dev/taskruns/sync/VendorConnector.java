package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;

/**
 * What a vendor integration implements (one CDI bean per vendor): pull what changed for one source
 * and hand it over page by page. Scheduling, locking, state, metrics and error recording are the
 * engine's job, not the connector's.
 */
public interface VendorConnector {

    Vendor vendor();

    /**
     * Runs one sync cycle for {@code source}: reads its checkpoints from {@code context}, pulls from
     * the vendor, and commits each page with {@link SyncContext#commit}. Throws when the cycle cannot
     * finish; pages committed before that stay committed and the next cycle resumes from them.
     */
    void sync(SourceDefinition source, SyncContext context) throws Exception;
}
