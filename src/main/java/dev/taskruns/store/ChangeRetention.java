package dev.taskruns.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;

/**
 * Removes the change feed's oldest changes, always a prefix of ids, and records how far: a client
 * resuming from before that point would miss changes and is told so (410) instead.
 */
@ApplicationScoped
public class ChangeRetention {

    /** Changes removed per transaction: short row locks and WAL bursts on a store being written. */
    public static final int CHUNK = 10_000;

    private final EntityManager em;

    public ChangeRetention(EntityManager em) {
        this.em = em;
    }

    /**
     * One chunk of the changes committed before {@code cutoff}; the number removed. Ids follow commit
     * order and created_at is each writer's transaction start, so the two disagree by at most a
     * transaction's length: a change a few seconds younger than the cutoff may go with its neighbours.
     */
    @Transactional
    public int pruneChunk(Instant cutoff) {
        Object through = em.createNativeQuery("""
                        SELECT max(id) FROM (SELECT id, created_at FROM last_run_change ORDER BY id LIMIT ?1) oldest
                         WHERE created_at < ?2""")
                .setParameter(1, CHUNK).setParameter(2, cutoff).getSingleResult();
        if (through == null) {
            return 0;
        }
        long last = ((Number) through).longValue();
        em.createNativeQuery("UPDATE change_feed_state SET pruned_through = greatest(pruned_through, ?1)")
                .setParameter(1, last).executeUpdate();
        return em.createNativeQuery("DELETE FROM last_run_change WHERE id <= ?1").setParameter(1, last).executeUpdate();
    }
}
