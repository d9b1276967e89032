package dev.taskruns.sync;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cross-replica mutual exclusion per source: a PostgreSQL session advisory lock, held on a dedicated
 * connection for the whole cycle. If the replica dies, PostgreSQL drops the session and the lock
 * with it. (A library such as ShedLock would add a table and lease timeouts for what one built-in
 * function does here.) A replica that is alive to PostgreSQL but not to anyone else (stopped, paused,
 * cut off while TCP stays up) keeps its session, so lock sessions carry their replica's id as
 * application_name and another replica ends such a session once that replica's lease has run out
 * ({@link #endVanishedHolder}). The lock only keeps cycles apart; what a cycle may write is fenced
 * separately by its epoch (SourceRepository#holdsEpoch), so even a cycle that lost its lock unnoticed
 * cannot write over the replica that took the source over.
 */
@ApplicationScoped
public class SourceLock {

    private static final Logger LOG = Logger.getLogger(SourceLock.class);
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";
    private static final String KEY_PREFIX = "taskruns.sync:";
    /** A lock session's application_name: this prefix and its replica's id (see {@link #endVanishedHolder}). */
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
     * The lock's session must outlive long quiet stretches (vendor retries, 202 polls) and die soon
     * when its replica's host does: no idle timeouts on it, and TCP keepalives short enough that the
     * server notices a vanished peer in about 25 s instead of the kernel's two hours. A kill -9 closes
     * the socket at once, so the lock goes immediately then. Reset before the connection returns to the pool.
     */
    private static final String SESSION = "SET idle_session_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
            + "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";
    private static final String RESET_SESSION = "RESET idle_session_timeout; RESET idle_in_transaction_session_timeout; "
            + "RESET tcp_keepalives_idle; RESET tcp_keepalives_interval; RESET tcp_keepalives_count; RESET application_name";
    /** A keep-alive or check on the lock session that gets no answer gives up after this long. */
    private static final int NETWORK_TIMEOUT_MILLIS = 10_000;

    private final AgroalDataSource dataSource;
    private final Replicas replicas;
    private final SyncConfig config;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();

    public SourceLock(AgroalDataSource dataSource, Replicas replicas, SyncConfig config) {
        this.dataSource = dataSource;
        this.replicas = replicas;
        this.config = config;
    }

    /** The held lock, or empty when another replica (or cycle) holds it. */
    public Optional<Held> tryAcquire(String sourceId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement ps = connection.prepareStatement(TRY_LOCK)) {
            ps.setString(1, KEY_PREFIX + sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    int networkTimeout = connection.getNetworkTimeout();
                    try (Statement settings = connection.createStatement();
                         PreparedStatement name = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                        settings.execute(SESSION);
                        name.setString(1, HOLDER_PREFIX + replicas.id());
                        name.execute();
                        connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
                    } catch (SQLException | RuntimeException e) {
                        // it holds the lock: never hand such a session back to the pool
                        connection.abort(Runnable::run);
                        throw e;
                    }
                    Held lock = new Held(connection, sourceId, networkTimeout);
                    held.add(lock);
                    return Optional.of(lock);
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return Optional.empty();
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

    /** Runs a trivial query on every held lock's connection (see {@code taskruns.sync.lock-keep-alive}). */
    void keepAlive() {
        held.forEach(Held::keepAlive);
    }

    /**
     * Closing releases the lock and returns the connection. A session already gone took the lock with
     * it: nothing to release, and the pool discards the broken connection.
     */
    public final class Held implements AutoCloseable {
        private final Connection connection;
        private final String sourceId;
        private final int networkTimeout;

        private Held(Connection connection, String sourceId, int networkTimeout) {
            this.connection = connection;
            this.sourceId = sourceId;
            this.networkTimeout = networkTimeout;
        }

        /**
         * Throws when the session that holds the lock is gone (connection dropped, database failover):
         * a session lock lives exactly as long as its session, so a live session still holds it.
         * Checked before every page commit, so a cycle that lost its lock stops instead of pulling
         * alongside the replica that takes over. (Hence no transaction-mode connection pooler between
         * us and PostgreSQL.)
         */
        synchronized void verify() {
            boolean alive;
            try {
                alive = connection.isValid(5);
            } catch (SQLException e) {
                alive = false;
            }
            if (!alive) {
                throw new IllegalStateException("the sync lock of source " + sourceId + " was lost with its database session");
            }
        }

        private synchronized void keepAlive() {
            try (Statement ping = connection.createStatement()) {
                ping.execute("SELECT 1");
            } catch (SQLException e) {
                // the next verify() stops the cycle; nothing to add here but a trace
                LOG.debugf(e, "Keep-alive of the sync lock of source %s failed", sourceId);
            }
        }

        @Override
        public synchronized void close() throws SQLException {
            held.remove(this);
            try (Statement reset = connection.createStatement();
                 PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
                reset.execute(RESET_SESSION);
                unlock.setString(1, KEY_PREFIX + sourceId);
                unlock.execute();
                connection.setNetworkTimeout(Runnable::run, networkTimeout);
            } catch (SQLException e) {
                if (connection.isValid(5)) {
                    // still holding the lock, perhaps: never hand such a session back to the pool
                    connection.abort(Runnable::run);
                    throw e;
                }
                LOG.debugf("The sync lock of source %s went with its database session", sourceId);
            } finally {
                connection.close();
            }
        }
    }
}
