package dev.taskruns.store;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;

/** Ready only when PostgreSQL answers and every migration this build ships has been applied. */
@Readiness
@ApplicationScoped
public class MigrationsReadinessCheck implements HealthCheck {

    private final Flyway flyway;

    public MigrationsReadinessCheck(Flyway flyway) {
        this.flyway = flyway;
    }

    @Override
    public HealthCheckResponse call() {
        var check = HealthCheckResponse.named("Database migrations");
        try {
            var info = flyway.info();
            int pending = info.pending().length;
            var current = info.current();
            return check.status(pending == 0)
                    .withData("schemaVersion", current == null ? "none" : current.getVersion().getVersion())
                    .withData("pending", pending)
                    .build();
        } catch (RuntimeException e) {
            return check.down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
