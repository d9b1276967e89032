package dev.taskruns.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.List;

/**
 * The replicas alive: a lease row each ({@code sync_replica}), renewed by a heartbeat and deleted on
 * a clean stop. Only the database's clock is used, so replicas whose clocks drift still agree on who
 * is alive. A replica that died keeps its row until its lease runs out; rows long expired are pruned
 * by the survivors.
 */
@ApplicationScoped
public class ReplicaRepository {

    private final EntityManager em;

    public ReplicaRepository(EntityManager em) {
        this.em = em;
    }

    /** Renews (or takes) the lease for {@code lease} from now; {@code leaving} once the replica stops. */
    @Transactional
    public void heartbeat(String replicaId, Duration lease, boolean leaving) {
        em.createNativeQuery("""
                        INSERT INTO sync_replica (id, expires_at, leaving) VALUES (?1, now() + make_interval(secs => ?2), ?3)
                        ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at, leaving = excluded.leaving
                        """)
                .setParameter(1, replicaId).setParameter(2, lease.toMillis() / 1000.0).setParameter(3, leaving)
                .executeUpdate();
        em.createNativeQuery("DELETE FROM sync_replica WHERE expires_at < now() - interval '1 hour'").executeUpdate();
    }

    /** Ids of the replicas whose lease has not run out and that are not leaving, in id order. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> dealtIn() {
        return em.createNativeQuery("SELECT id FROM sync_replica WHERE expires_at >= now() AND NOT leaving ORDER BY id")
                .getResultList();
    }

    @Transactional
    public void leave(String replicaId) {
        em.createNativeQuery("DELETE FROM sync_replica WHERE id = ?1").setParameter(1, replicaId).executeUpdate();
    }
}
