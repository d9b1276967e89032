package dev.taskruns.sync;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples pg_stat_activity every few milliseconds on its own connection and keeps every session seen
 * waiting on a heavyweight lock (wait_event_type 'Lock': relation, tuple, transactionid), with its
 * query and the sessions blocking it. A read queued behind a write transaction waits as long as that
 * transaction (tens of milliseconds at least), so sampling this often sees it.
 */
final class LockWaitSampler implements AutoCloseable {

    /** A session waiting on a lock: what it ran and who held it up. */
    record Wait(int pid, String lock, String query, String blockedBy) {
        boolean isRead() {
            return query.stripLeading().regionMatches(true, 0, "select", 0, 6);
        }
    }

    private static final String WAITING = """
            SELECT pid, wait_event, left(query, 160), pg_blocking_pids(pid)::text FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()""";

    private final Connection connection;
    private final Thread thread;
    private final List<Wait> waits = new ArrayList<>();
    private volatile boolean stopped;
    private int samples;
    private SQLException failure;

    private LockWaitSampler(Connection connection) {
        this.connection = connection;
        this.thread = Thread.ofPlatform().name("lock-wait-sampler").daemon().start(this::sample);
    }

    static LockWaitSampler start(AgroalDataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        return new LockWaitSampler(connection);
    }

    private void sample() {
        try (PreparedStatement ps = connection.prepareStatement(WAITING)) {
            while (!stopped) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Wait wait = new Wait(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4));
                        synchronized (waits) {
                            waits.add(wait);
                        }
                    }
                }
                samples++;
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every lock wait seen, one entry per sample that saw it. */
    List<Wait> waits() {
        synchronized (waits) {
            return List.copyOf(waits);
        }
    }

    int samples() {
        return samples;
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        stopped = true;
        thread.join();
        connection.close();
        if (failure != null) {
            throw failure;
        }
    }
}
