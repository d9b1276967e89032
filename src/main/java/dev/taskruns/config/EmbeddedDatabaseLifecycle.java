package dev.taskruns.config;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Tells {@link EmbeddedDatabase} when the application runs: its server stops only after the application. */
@ApplicationScoped
class EmbeddedDatabaseLifecycle {

    void started(@Observes StartupEvent event) {
        EmbeddedDatabase.running(true);
    }

    /** Last of the shutdown observers, after the sync engine has recorded its cycles. */
    void stopped(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        EmbeddedDatabase.running(false);
    }
}
