package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The connector of each source: the {@link VendorConnector} bean of its vendor. A new vendor
 * registers by being such a bean. Tests replace this bean to script the connector of a source.
 */
@Singleton
public class Connectors {

    private final Map<Vendor, VendorConnector> byVendor = new EnumMap<>(Vendor.class);

    public Connectors(Instance<VendorConnector> connectors) {
        connectors.forEach(connector -> {
            VendorConnector other = byVendor.putIfAbsent(connector.vendor(), connector);
            if (other != null) {
                throw new IllegalStateException("Two connectors for vendor " + connector.vendor() + ": "
                        + other.getClass().getName() + " and " + connector.getClass().getName());
            }
        });
    }

    /** Empty when this build has no connector for the source's vendor. */
    public Optional<VendorConnector> forSource(SourceDefinition source) {
        return Optional.ofNullable(byVendor.get(source.vendor()));
    }
}
