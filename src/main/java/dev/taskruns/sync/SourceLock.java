package dev.taskruns.sync;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Cross-replica mutual exclusion per source: a PostgreSQL session advisory lock, held on a dedicated
 * connection for the whole cycle. If the replica dies, PostgreSQL drops the session and the lock
 * with it, so no lease or expiry is needed. (A library such as ShedLock would add a table and lease
 * timeouts for what one built-in function does here.)
 */
@ApplicationScoped
public class SourceLock {

    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";
    private static final String KEY_PREFIX = "taskruns.sync:";

    private final AgroalDataSource dataSource;

    public SourceLock(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The held lock, or empty when another replica (or cycle) holds it. */
    public Optional<Held> tryAcquire(String sourceId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement ps = connection.prepareStatement(TRY_LOCK)) {
            ps.setString(1, KEY_PREFIX + sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return Optional.of(new Held(connection, sourceId));
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return Optional.empty();
    }

    /** Closing releases the lock and returns the connection. */
    public static final class Held implements AutoCloseable {
        private final Connection connection;
        private final String sourceId;

        private Held(Connection connection, String sourceId) {
            this.connection = connection;
            this.sourceId = sourceId;
        }

        /**
         * Throws when the session that holds the lock is gone (connection dropped, database failover):
         * a session lock lives exactly as long as its session, so a live session still holds it.
         * Checked before every page commit, so a cycle that lost its lock stops instead of racing
         * another replica. (Hence no transaction-mode connection pooler between us and PostgreSQL.)
         */
        void verify() {
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

        @Override
        public void close() throws SQLException {
            try (connection; PreparedStatement ps = connection.prepareStatement(
                    "SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
                ps.setString(1, KEY_PREFIX + sourceId);
                ps.execute();
            }
        }
    }
}
