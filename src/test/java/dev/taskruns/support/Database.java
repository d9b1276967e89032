package dev.taskruns.support;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.List;

/** Test access to the store: wipe it between tests and read values. */
@ApplicationScoped
public class Database {

    private final EntityManager em;

    public Database(EntityManager em) {
        this.em = em;
    }

    /** Removes all runs, devices, tasks, checkpoints, changes and cycle history; sources keep their rows with zeroed counters. */
    public void clear() {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("TRUNCATE device, run, task, sync_checkpoint, sync_replica, last_run_change, sync_cycle")
                    .executeUpdate();
            // the feed starts over at id 1, as on an empty store: a page reads at most 200,000 ids past its
            // start, so ids left high by earlier tests would make "from the oldest" answer empty pages
            em.createNativeQuery("ALTER TABLE last_run_change ALTER COLUMN id RESTART WITH 1").executeUpdate();
            em.createNativeQuery("UPDATE change_feed_state SET pruned_through = 0").executeUpdate();
            em.createNativeQuery("UPDATE source SET runs_stored = 0, state = 'IDLE', last_error = NULL, "
                    + "last_error_at = NULL, last_sync_started_at = NULL, last_sync_succeeded_at = NULL, next_sync_at = NULL, "
                    + "consecutive_failures = 0").executeUpdate();
        });
    }

    /** A statement as another writer would run it (outside the application's own write path). */
    public void execute(String sql) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(sql).executeUpdate());
    }

    public Object single(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(sql).getSingleResult());
    }

    /** The first column of every row. */
    @SuppressWarnings("unchecked")
    public List<Object> list(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(sql).getResultList());
    }
}
