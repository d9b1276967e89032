package dev.taskruns.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.List;

/**
 * The replicas alive: a lease row each ({@code sync_replica}), renewed by a heartbeat and deleted on
 * a clean stop. Only the database's clock is used, so replicas whose clocks drift still agree on who
 * is alive. A replica that died keeps its row until the lease runs out; rows long expired are pruned
 * by the survivors.
 */
@ApplicationScoped
public class ReplicaRepository {

    private final EntityManager em;

    public ReplicaRepository(EntityManager em) {
        this.em = em;
    }

    @Transactional
    public void heartbeat(String replicaId, Duration lease) {
        em.createNativeQuery("""
                        INSERT INTO sync_replica (id) VALUES (?1)
                        ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
                        """)
                .setParameter(1, replicaId).executeUpdate();
        em.createNativeQuery("DELETE FROM sync_replica WHERE heartbeat_at < now() - make_interval(secs => ?1)")
                .setParameter(1, 10.0 * lease.toMillis() / 1000).executeUpdate();
    }

    /** Ids of the replicas whose lease has not run out, in id order. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> alive(Duration lease) {
        return em.createNativeQuery(
                        "SELECT id FROM sync_replica WHERE heartbeat_at >= now() - make_interval(secs => ?1) ORDER BY id")
                .setParameter(1, lease.toMillis() / 1000.0).getResultList();
    }

    @Transactional
    public void leave(String replicaId) {
        em.createNativeQuery("DELETE FROM sync_replica WHERE id = ?1").setParameter(1, replicaId).executeUpdate();
    }
}
