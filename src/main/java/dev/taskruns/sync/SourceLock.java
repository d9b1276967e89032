package dev.taskruns.sync;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
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
    private static final String HOLDER = """
            SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
               AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(?, 0)
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

    private final AgroalDataSource dataSource;
    private final Replicas replicas;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();

    public SourceLock(AgroalDataSource dataSource, Replicas replicas) {
        this.dataSource = dataSource;
        this.replicas = replicas;
    }

    /** The held lock, or empty when another replica (or cycle) holds it. */
    public Optional<Held> tryAcquire(String sourceId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement ps = connection.prepareStatement(TRY_LOCK)) {
            ps.setString(1, KEY_PREFIX + sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    try (Statement settings = connection.createStatement();
                         PreparedStatement name = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                        settings.execute(SESSION);
                        name.setString(1, HOLDER_PREFIX + replicas.id());
                        name.execute();
                    }
                    Held lock = new Held(connection, sourceId);
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
     * Ends the session holding {@code sourceId}'s lock if it belongs to a replica not among
     * {@code alive} (its lease ran out: frozen, paused or cut off, while PostgreSQL still keeps its
     * session). Sessions not named by a replica of this service are left alone. Whether it ended one.
     */
    boolean endVanishedHolder(String sourceId, Collection<String> alive) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement ps = connection.prepareStatement(HOLDER)) {
            ps.setString(1, KEY_PREFIX + sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                int pid = rs.getInt(1);
                String name = rs.getString(2);
                if (name == null || !name.startsWith(HOLDER_PREFIX) || alive.contains(name.substring(HOLDER_PREFIX.length()))) {
                    return false;
                }
                try (PreparedStatement end = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
                    end.setInt(1, pid);
                    end.execute();
                }
                LOG.warnf("The sync lock of source %s was held by replica %s, whose lease ran out (frozen or cut off): "
                        + "ended its database session so that the source is taken over", sourceId,
                        name.substring(HOLDER_PREFIX.length()));
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

        private Held(Connection connection, String sourceId) {
            this.connection = connection;
            this.sourceId = sourceId;
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
