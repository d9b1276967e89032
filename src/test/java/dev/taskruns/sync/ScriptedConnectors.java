package dev.taskruns.sync;

import dev.taskruns.config.SourceDefinition;
import io.quarkus.test.Mock;
import jakarta.enterprise.inject.Instance;

import java.util.Optional;

/** In every {@code @QuarkusTest}: source "gamma" is synced by the {@link ScriptedConnector}, the others by their vendor's. */
@Mock
public class ScriptedConnectors extends Connectors {

    static final String SCRIPTED_SOURCE = "gamma";

    private final ScriptedConnector scripted;

    public ScriptedConnectors(Instance<VendorConnector> connectors, ScriptedConnector scripted) {
        super(connectors);
        this.scripted = scripted;
    }

    @Override
    public Optional<VendorConnector> forSource(SourceDefinition source) {
        return source.id().equals(SCRIPTED_SOURCE) ? Optional.of(scripted) : super.forSource(source);
    }
}
