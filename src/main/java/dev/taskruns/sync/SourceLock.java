package dev.taskruns.sync;

import io.agroal.api.AgroalDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Cross-replica mutual exclusion per source: a PostgreSQL session advisory lock per source, all of a
 * replica's held on one dedicated connection, its lock session, for as long as their cycles run. If
 * the replica dies, PostgreSQL drops the session and every lock with it. (A library such as ShedLock
 * would add a table and lease timeouts for what one built-in function does here.) One session for all
 * sources rather than one per cycle: a cycle spends nearly all its time waiting on its vendor's request
 * budget, and a pooled connection held idle per running cycle capped the cycles a replica could run at
 * once far below what its threads and CPU allow (docs/sync-engine.md, "Capacity"). A replica that is
 * alive to PostgreSQL but not to anyone else (stopped, paused, cut off while TCP stays up) keeps its
 * session, so the lock session carries its replica's id as application_name and another replica ends
 * it once that replica's lease has run out ({@link #endVanishedHolder}). The lock only keeps cycles
 * apart; what a cycle may write is fenced separately by its epoch (SourceRepository#holdsEpoch), so
 * even a cycle that lost its lock unnoticed cannot write over the replica that took the source over.
 */
@ApplicationScoped
public class SourceLock {

    private static final Logger LOG = Logger.getLogger(SourceLock.class);
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(?, 0))";
    private static final String KEY_PREFIX = "taskruns.sync:";
    /** The lock session's application_name: this prefix and its replica's id (see {@link #endVanishedHolder}). */
    static final String HOLDER_PREFIX = "taskruns-sync:";
    /*
     * One statement, so that nothing changes between the look and the act: the session holding the
     * source's lock in this database, named after a replica of this service whose lease has run out
     * (or which is gone from the table), and silent for longer than two keep-alives (a live holder
     * pings its session, a frozen one cannot). pg_terminate_backend waits (up to 5 s) for the session
     * to end, so the lock is free when it returns.
     */
    private static final String END_VANISHED_HOLDER = """
            SELECT h.replica, pg_terminate_backend(h.pid, 5000)
              FROM (SELECT l.pid, substr(a.application_name, length(p.prefix) + 1) AS replica
                      FROM (SELECT ?::text AS prefix, ?::text AS key, ?::float8 AS silent) p
                      JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(p.key, 0)
                       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE starts_with(a.application_name, p.prefix)
                       AND a.state = 'idle' AND a.state_change < now() - make_interval(secs => p.silent)) h
             WHERE NOT EXISTS (SELECT 1 FROM sync_replica r WHERE r.id = h.replica AND r.expires_at >= now())
            """;
    /*
     * The lock session must outlive long quiet stretches (vendor retries, 202 polls) and die soon
     * when its replica's host does: no idle timeouts on it, and TCP keepalives short enough that the
     * server notices a vanished peer in about 25 s instead of the kernel's two hours. A kill -9 closes
     * the socket at once, so the locks go immediately then. It never goes back to the pool: a session
     * that is given up is aborted, and its locks go with it.
     */
    private static final String SESSION = "SET idle_session_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
            + "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";
    /** A statement or check on the lock session that gets no answer gives up after this long. */
    private static final int NETWORK_TIMEOUT_MILLIS = 10_000;

    private final AgroalDataSource dataSource;
    private final Replicas replicas;
    private final SyncConfig config;
    /** Guards the lock session: a JDBC connection is not for concurrent use, and cycles share this one. */
    private final ReentrantLock guard = new ReentrantLock();
    /** The locks this replica holds, one per source: session locks are re-entrant, so this keeps a second out. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** The current lock session; null before the first lock and after one was given up. */
    private Session session;

    public SourceLock(AgroalDataSource dataSource, Replicas replicas, SyncConfig config) {
        this.dataSource = dataSource;
        this.replicas = replicas;
        this.config = config;
    }

    /** The held lock, or empty when another replica (or cycle) holds it. */
    public Optional<Held> tryAcquire(String sourceId) throws SQLException {
        guard.lock();
        try {
            if (held.containsKey(sourceId)) {
                return Optional.empty();
            }
            Session current = session();
            try (PreparedStatement ps = current.connection.prepareStatement(TRY_LOCK)) {
                ps.setString(1, KEY_PREFIX + sourceId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return Optional.empty();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                current.giveUp("taking the lock of source " + sourceId + " failed", e);
                throw e;
            }
            Held lock = new Held(current, sourceId);
            held.put(sourceId, lock);
            return Optional.of(lock);
        } finally {
            guard.unlock();
        }
    }

    /** The lock session, opened afresh when there is none or the last one stopped answering. */
    private Session session() throws SQLException {
        if (session != null && session.answers()) {
            return session;
        }
        Connection connection = dataSource.getConnection();
        try (Statement settings = connection.createStatement();
             PreparedStatement name = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            settings.execute(SESSION);
            name.setString(1, HOLDER_PREFIX + replicas.id());
            name.execute();
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        } catch (SQLException | RuntimeException e) {
            // half set up (no idle timeout, our name): never hand such a session back to the pool
            connection.abort(Runnable::run);
            throw e;
        }
        session = new Session(connection);
        return session;
    }

    /**
     * Ends the session holding {@code sourceId}'s lock if it belongs to a replica of this service
     * whose lease has run out and has been silent for two keep-alives (frozen, paused or cut off,
     * while PostgreSQL still keeps its session). Anything else holding the key (a live replica, a
     * replica stopping, a psql session, another database) is left alone. Whether it ended one.
     */
    boolean endVanishedHolder(String sourceId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(END_VANISHED_HOLDER)) {
            ps.setString(1, HOLDER_PREFIX);
            ps.setString(2, KEY_PREFIX + sourceId);
            ps.setDouble(3, config.lockKeepAlive().multipliedBy(2).toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                LOG.warnf("The sync lock of source %s was held by replica %s, whose lease ran out (frozen or cut off): "
                        + "ended its database session so that the source is taken over", sourceId, rs.getString(1));
                return true;
            }
        }
    }

    /** Runs a trivial query on the lock session while it holds locks (see {@code taskruns.sync.lock-keep-alive}). */
    void keepAlive() {
        guard.lock();
        try {
            if (session != null && !held.isEmpty()) {
                session.answers();
            }
        } finally {
            guard.unlock();
        }
    }

    /** On shutdown, after the cycles have ended: the session goes, with any lock still on it. */
    @PreDestroy
    void close() {
        guard.lock();
        try {
            if (session != null) {
                session.giveUp("the replica is stopping", null);
            }
        } finally {
            guard.unlock();
        }
    }

    /** One lock session. Given up (aborted) once it fails: the locks on it are then gone, or soon will be. */
    private final class Session {
        private final Connection connection;
        private boolean lost;

        private Session(Connection connection) {
            this.connection = connection;
        }

        /**
         * Whether it still answers (a trivial query); one that does not is given up. The query is also
         * what keeps proxies and firewalls from cutting it while cycles wait on their vendors.
         */
        private boolean answers() {
            if (lost) {
                return false;
            }
            try (Statement ping = connection.createStatement()) {
                ping.execute("SELECT 1");
                return true;
            } catch (SQLException e) {
                giveUp("it stopped answering", e);
                return false;
            }
        }

        private void giveUp(String why, Exception cause) {
            if (lost) {
                return;
            }
            lost = true;
            if (session == this) {
                session = null;
            }
            if (!held.isEmpty()) {
                LOG.warnf(cause, "Gave up the sync lock session of this replica (%s): the cycles of %s stop before their next page",
                        why, held.keySet());
            }
            try {
                connection.abort(Runnable::run);
            } catch (SQLException e) {
                LOG.debugf(e, "Aborting the sync lock session failed; it closes with its socket");
            }
        }
    }

    /**
     * One source's lock. Closing releases it; a session already gone took the lock with it.
     */
    public final class Held implements AutoCloseable {
        private final Session session;
        private final String sourceId;

        private Held(Session session, String sourceId) {
            this.session = session;
            this.sourceId = sourceId;
        }

        /**
         * Throws when the session that holds the lock is gone (connection dropped, database failover,
         * given up): a session lock lives exactly as long as its session, so a live session still
         * holds it. Checked before every page commit, so a cycle that lost its lock stops instead of
         * pulling alongside the replica that takes over. (Hence no transaction-mode connection pooler
         * between us and PostgreSQL.)
         */
        void verify() {
            boolean alive;
            guard.lock();
            try {
                alive = session.answers();
            } finally {
                guard.unlock();
            }
            if (!alive) {
                throw new IllegalStateException("the sync lock of source " + sourceId + " was lost with its database session");
            }
        }

        @Override
        public void close() {
            guard.lock();
            try {
                held.remove(sourceId, this);
                if (session.lost) {
                    LOG.debugf("The sync lock of source %s went with its database session", sourceId);
                    return;
                }
                try (PreparedStatement unlock = session.connection.prepareStatement(UNLOCK)) {
                    unlock.setString(1, KEY_PREFIX + sourceId);
                    unlock.execute();
                } catch (SQLException e) {
                    // perhaps still holding it: the session goes, and the lock with it
                    session.giveUp("releasing the lock of source " + sourceId + " failed", e);
                }
            } finally {
                guard.unlock();
            }
        }
    }
}
