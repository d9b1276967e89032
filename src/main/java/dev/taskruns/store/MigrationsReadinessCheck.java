package dev.taskruns.store;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;

/**
 * Ready only when every migration this build ships has been applied. Asked of Flyway (a scan of the
 * migrations and a read of its history table) until the answer is yes once: migrations are never
 * undone, so from then on the answer stands and the probe, which Kubernetes sends every few seconds,
 * costs nothing here. Whether PostgreSQL answers now is the datasource's own readiness check.
 */
@Readiness
@ApplicationScoped
public class MigrationsReadinessCheck implements HealthCheck {

    private final Flyway flyway;
    private volatile HealthCheckResponse migrated;

    public MigrationsReadinessCheck(Flyway flyway) {
        this.flyway = flyway;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse known = migrated;
        if (known != null) {
            return known;
        }
        var check = HealthCheckResponse.named("Database migrations");
        try {
            var info = flyway.info();
            int pending = info.pending().length;
            var current = info.current();
            HealthCheckResponse response = check.status(pending == 0)
                    .withData("schemaVersion", current == null ? "none" : current.getVersion().getVersion())
                    .withData("pending", pending)
                    .build();
            if (pending == 0) {
                migrated = response;
            }
            return response;
        } catch (RuntimeException e) {
            return check.down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
