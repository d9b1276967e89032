package dev.taskruns.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.config.Vendor;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facade's read queries, keyset-paginated. Plain SQL because they rely on PostgreSQL row
 * comparisons and LATERAL joins that map straight onto the indexes (see docs/query-plans.md), on a
 * pooled connection of their own: a read needs neither a Hibernate session nor a transaction, and
 * opening both per call was ~5% of a single-device read's CPU (docs/benchmarks.md).
 */
@ApplicationScoped
public class RunQueries {

    /** Position in "last runs" order: (source, deviceId) ascending. */
    public record DeviceKey(String source, String deviceId) {
    }

    /** Position in "newest first" order: (startedAt, runId, source) descending. */
    public record RunKey(Instant startedAt, String runId, String source) {
    }

    private static final String COLUMNS = """
            SELECT r.source_id, r.device_id, d.device_name, r.task_id, t.task_name, r.run_id,
                   r.status, r.vendor_status, r.started_at, r.ended_at, r.updated_at, r.error
            """;

    /** The task's name, when the store knows the task (a run may arrive before its task's name). */
    private static final String TASK_NAME = " LEFT JOIN task t ON t.source_id = r.source_id AND t.task_id = r.task_id ";

    /** The run's own columns an answer shows: what a page of runs is chosen with, before names join. */
    private static final String RUN_COLUMNS = """
            r.source_id, r.device_id, r.task_id, r.run_id, r.status, r.vendor_status, r.started_at, r.ended_at,
            r.updated_at, r.error""";

    /**
     * A facade read that has not answered by then waits on a lock (a migration) or an overloaded
     * server: the driver cancels it (SQLState 57014) and the caller gets a 503 to retry, instead of a
     * request thread held indefinitely. The slowest read shape measured takes ~0.4 s (docs/benchmarks.md).
     */
    private static final int READ_TIMEOUT_SECONDS = 10;

    private final DataSource dataSource;
    private final ObjectMapper json;
    private volatile Map<String, Vendor> vendors = Map.of();

    public RunQueries(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /**
     * The last run of every device (one per source and device) among the runs the filter selects,
     * in (source, deviceId) order after {@code after}. Without a task or an end of the time window
     * this reads the device table alone: a device's last run among those started since a moment is
     * its last run, if that started since then, and the device row carries that run's start and
     * status (V6), so filters need no run probes. With a task it reads that task's runs alone (index
     * run_task_device_latest); with an end of the window it probes each device's newest matching run.
     */
    public List<RunView> lastRuns(RunFilter filter, DeviceKey after, int limit) {
        return withConnection(c -> lastRuns(c, filter, after, limit));
    }

    /** {@link #lastRuns(RunFilter, DeviceKey, int)} on a connection the caller manages (the benchmarks). */
    public List<RunView> lastRuns(Connection c, RunFilter filter, DeviceKey after, int limit) throws SQLException {
        if (filter.taskId() != null) {
            return fetch(c, lastRunsOfTask(filter, after, limit));
        }
        Sql sql = new Sql(COLUMNS + " FROM device d ");
        if (filter.startedBefore() != null) {
            sql.append("""
                    CROSS JOIN LATERAL (
                        SELECT * FROM run r
                         WHERE r.device_id = d.device_id AND r.source_id = d.source_id""");
            runWindow(sql, filter);
            sql.append(" ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) r " + TASK_NAME + " WHERE true ");
            statuses(sql, filter, "r.status");
        } else {
            sql.append(" JOIN run r ON r.id = d.last_run_id " + TASK_NAME + " WHERE true ");
            if (filter.startedAfter() != null) {
                sql.append(" AND d.last_started_at >= ?", utc(filter.startedAfter()));
            }
            statuses(sql, filter, "d.last_status");
        }
        sourceAndDevice(sql, filter, "d");
        if (after != null) {
            sql.append(" AND (d.source_id, d.device_id) > (?, ?)", after.source(), after.deviceId());
        }
        sql.limit(" ORDER BY d.source_id, d.device_id", limit);
        return fetch(c, sql);
    }

    /**
     * Each device's last run of the filter's task: the first of each (source, device) group of that
     * task's runs in run_task_device_latest order, so a page costs the task's runs up to the page's
     * last device rather than a probe of every device's history. Status applies after the choice.
     */
    private static Sql lastRunsOfTask(RunFilter filter, DeviceKey after, int limit) {
        Sql sql = new Sql("SELECT * FROM (SELECT DISTINCT ON (r.source_id, r.device_id) " + RUN_COLUMNS
                + " FROM run r WHERE true");
        runWindow(sql, filter);
        sourceAndDevice(sql, filter, "r");
        if (after != null) {
            sql.append(" AND (r.source_id, r.device_id) > (?, ?)", after.source(), after.deviceId());
        }
        String order = " ORDER BY r.source_id, r.device_id, r.started_at DESC, r.run_id DESC";
        if (filter.statuses().isEmpty()) {
            // the outer LIMIT does not reach this subquery's planner, which then sorts every run of the
            // task (16 ms for a task's 5k runs at 10M runs) instead of walking the index for 101 devices
            sql.limit(order, limit);
        } else {
            sql.append(order);
        }
        sql.append(") r WHERE true");
        statuses(sql, filter, "r.status");
        sql.limit(" ORDER BY r.source_id, r.device_id", limit);
        return withNames(sql, "r.source_id, r.device_id");
    }

    /** Runs the filter selects, newest first, after {@code after}. */
    public List<RunView> runs(RunFilter filter, RunKey after, int limit) {
        return withConnection(c -> runs(c, filter, after, limit));
    }

    /** {@link #runs(RunFilter, RunKey, int)} on a connection the caller manages (the benchmarks). */
    public List<RunView> runs(Connection c, RunFilter filter, RunKey after, int limit) throws SQLException {
        Sql sql = new Sql("SELECT " + RUN_COLUMNS + " FROM run r WHERE true");
        sourceAndDevice(sql, filter, "r");
        runWindow(sql, filter);
        statuses(sql, filter, "r.status");
        if (after != null) {
            sql.append(" AND (r.started_at, r.run_id, r.source_id) < (?, ?, ?)",
                    utc(after.startedAt()), after.runId(), after.source());
        }
        sql.limit(" ORDER BY r.started_at DESC, r.run_id DESC, r.source_id DESC", limit);
        return fetch(c, withNames(sql, "r.started_at DESC, r.run_id DESC, r.source_id DESC"));
    }

    /**
     * A page of runs, already chosen and limited, with its device and task names: joined for the page's
     * rows alone. Joined before the limit, the planner misjudged how few rows a task's runs leave and
     * hashed the whole device table for every call (~40 ms of a 42 ms /runs?taskId= on 1M runs,
     * docs/query-plans.md). Every run has its device row (the batch write keeps them together), so
     * the join drops none.
     */
    private static Sql withNames(Sql page, String order) {
        Sql sql = new Sql(COLUMNS + " FROM (");
        sql.append(page);
        sql.append(") r JOIN device d ON d.source_id = r.source_id AND d.device_id = r.device_id" + TASK_NAME
                + " ORDER BY " + order);
        return sql;
    }

    /** One change of a device's last run, as of its commit (the feed's row, names joined in). */
    public record Change(long id, RunStatus previousStatus, RunView run) {
    }

    /**
     * A stretch of the change feed: the changes the filter keeps, how far it was read, and whether
     * that is the feed's end. The position can lie beyond the last change when later ones did not
     * match; reading on from it skips nothing.
     */
    public record ChangeStretch(List<Change> changes, long readThrough, boolean atEnd) {
    }

    /** Ids read per statement: a filter that keeps few changes costs a bounded range scan each time. */
    private static final int CHANGE_WINDOW = 5_000;

    /** Ranges read per call at most: a rare filter over a long backlog answers in parts, never stalls. */
    private static final int CHANGE_WINDOWS_PER_CALL = 40;

    /**
     * Where the feed stands: every change up to {@code prunedThrough} has been removed by retention,
     * and {@code head} is the newest id (every smaller one is committed or will never exist, as ids
     * are taken in commit order, RunStore; with no change kept, where retention has pruned to).
     */
    public record ChangeBounds(long prunedThrough, long head) {
    }

    /** The feed's bounds, in one statement: every feed call starts with them. */
    public ChangeBounds changeBounds() {
        return withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT s.pruned_through, coalesce((SELECT max(id) FROM last_run_change), s.pruned_through)
                      FROM change_feed_state s""")) {
                rs.next();
                return new ChangeBounds(rs.getLong(1), rs.getLong(2));
            }
        });
    }

    /**
     * Up to {@code limit} changes after {@code after} and up to {@code head}, in id order, that the
     * filter keeps (on the changed run: its source, vendor, device, task, start and new status).
     */
    public ChangeStretch changes(RunFilter filter, long after, long head, int limit) {
        return withConnection(c -> {
            List<Change> changes = new ArrayList<>();
            long from = after;
            for (int window = 0; window < CHANGE_WINDOWS_PER_CALL && from < head && changes.size() < limit; window++) {
                long to = Math.min(head, from + CHANGE_WINDOW);
                Sql sql = new Sql("""
                        SELECT c.source_id, c.device_id, d.device_name, c.task_id, t.task_name, c.run_id, c.status,
                               c.vendor_status, c.started_at, c.ended_at, c.updated_at, c.error, c.previous_status, c.id
                          FROM last_run_change c
                          LEFT JOIN device d ON d.source_id = c.source_id AND d.device_id = c.device_id
                          LEFT JOIN task t ON t.source_id = c.source_id AND t.task_id = c.task_id
                         WHERE c.id > ? AND c.id <= ?""", from, to);
                sourceAndDevice(sql, filter, "c");
                runWindow(sql, filter, "c");
                statuses(sql, filter, "c.status");
                sql.limit(" ORDER BY c.id", limit - changes.size());
                try (PreparedStatement ps = sql.prepare(c)) {
                    ps.setQueryTimeout(READ_TIMEOUT_SECONDS);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String previous = rs.getString(13);
                            changes.add(new Change(rs.getLong(14), previous == null ? null : RunStatus.valueOf(previous),
                                    view(c, rs)));
                        }
                    }
                }
                from = changes.size() == limit ? changes.getLast().id() : to;
            }
            return new ChangeStretch(changes, from, from >= head);
        });
    }

    /**
     * A source's runs not final yet (PENDING or RUNNING) that started at or after {@code from},
     * oldest first (index run_source_latest, read backwards): what a connector re-polls, read from the store rather
     * than kept as a list in a checkpoint.
     */
    public List<StoredRun> unfinished(String source, Instant from, int limit) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT run_id, vendor_status, started_at FROM run
                     WHERE source_id = ? AND status IN ('PENDING', 'RUNNING') AND started_at >= ?
                     ORDER BY started_at, run_id LIMIT ?""")) {
                ps.setString(1, source);
                ps.setObject(2, utc(from));
                ps.setInt(3, limit);
                List<StoredRun> runs = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        runs.add(new StoredRun(rs.getString(1), rs.getString(2), instant(rs, 3)));
                    }
                }
                return runs;
            }
        });
    }

    private static void sourceAndDevice(Sql sql, RunFilter filter, String alias) {
        oneOrAny(sql, alias + ".source_id", filter.sources());
        if (filter.vendor() != null) {
            sql.append(" AND " + alias + ".source_id IN (SELECT id FROM source WHERE vendor = ?)",
                    filter.vendor().name());
        }
        oneOrAny(sql, alias + ".device_id", filter.deviceIds());
    }

    /**
     * {@code column = ?} for one value, {@code = ANY(?)} for several. One device (the device
     * endpoints) must be a plain equality: the planner then walks run_device_latest in order and
     * stops at the limit, and carries the value to the device join, where = ANY would make it read
     * and sort the device's whole history.
     */
    private static void oneOrAny(Sql sql, String column, Set<String> values) {
        if (values.size() == 1) {
            sql.append(" AND " + column + " = ?", values.iterator().next());
        } else if (!values.isEmpty()) {
            sql.append(" AND " + column + " = ANY(?)", texts(values));
        }
    }

    private static void runWindow(Sql sql, RunFilter filter) {
        runWindow(sql, filter, "r");
    }

    /** The task and start-time filters on the run columns of {@code alias} (a run, or a change's copy of one). */
    private static void runWindow(Sql sql, RunFilter filter, String alias) {
        if (filter.taskId() != null) {
            sql.append(" AND " + alias + ".task_id = ?", filter.taskId());
        }
        if (filter.startedAfter() != null) {
            sql.append(" AND " + alias + ".started_at >= ?", utc(filter.startedAfter()));
        }
        if (filter.startedBefore() != null) {
            sql.append(" AND " + alias + ".started_at < ?", utc(filter.startedBefore()));
        }
    }

    private static void statuses(Sql sql, RunFilter filter, String column) {
        if (!filter.statuses().isEmpty()) {
            sql.append(" AND " + column + " = ANY(?)", texts(filter.statuses().stream().map(Enum::name).toList()));
        }
    }

    private static TextArray texts(Collection<String> values) {
        return new TextArray(values.stream().sorted().toArray(String[]::new));
    }

    /** A text[] parameter (a bare String[] would be spread by the varargs of {@link Sql#append}). */
    private record TextArray(String[] values) {
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** A pooled connection in auto-commit (or, inside a caller's transaction, the one enlisted in it). */
    private <T> T withConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            // the cause is kept: DatabaseOutage tells an unavailable database (503) by its SQLState
            throw new IllegalStateException("Reading runs failed: " + e.getMessage(), e);
        }
    }

    private List<RunView> fetch(Connection c, Sql sql) throws SQLException {
        List<RunView> views = new ArrayList<>();
        try (PreparedStatement ps = sql.prepare(c)) {
            ps.setQueryTimeout(READ_TIMEOUT_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    views.add(view(c, rs));
                }
            }
        }
        return views;
    }

    private RunView view(Connection c, ResultSet rs) throws SQLException {
        String source = rs.getString(1);
        String error = rs.getString(12);
        try {
            return new RunView(
                    source,
                    vendorOf(c, source),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    RunStatus.valueOf(rs.getString(7)),
                    rs.getString(8),
                    instant(rs, 9),
                    instant(rs, 10),
                    instant(rs, 11),
                    error == null ? null : json.readTree(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored error JSON is unreadable", e);
        }
    }

    /**
     * A source's vendor, from a copy of the source table read when a source id is not in it yet: a
     * join on source in every read cost up to 1.4x on a page (docs/benchmarks.md). Every replica
     * registers its configured sources at start, so the copy it reads then is the one its
     * configuration made; a vendor changed under an existing source id shows after a restart.
     */
    private Vendor vendorOf(Connection c, String source) throws SQLException {
        Vendor vendor = vendors.get(source);
        if (vendor == null) {
            Map<String, Vendor> read = new HashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, vendor FROM source")) {
                while (rs.next()) {
                    read.put(rs.getString(1), Vendor.valueOf(rs.getString(2)));
                }
            }
            vendors = Map.copyOf(read);
            vendor = vendors.get(source);
        }
        return vendor;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** pgjdbc binds OffsetDateTime as timestamptz, independent of the JVM's time zone. */
    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** SQL text with its parameters, built in one pass so the two never drift apart. */
    private static final class Sql {
        private final StringBuilder text;
        private final List<Object> params = new ArrayList<>();

        Sql(String start, Object... values) {
            text = new StringBuilder(start);
            params.addAll(List.of(values));
        }

        void append(String fragment, Object... values) {
            text.append(fragment);
            params.addAll(List.of(values));
        }

        void append(Sql inner) {
            text.append(inner.text);
            params.addAll(inner.params);
        }

        /**
         * The order and LIMIT, the limit written into the text: as a bind parameter PostgreSQL cannot
         * cost a generic plan, so it planned every call afresh (8,039 plans for 8,039 calls, a literal
         * limit ran 1.7x faster). Pages come in few sizes, so a statement per size stays cached.
         */
        void limit(String orderBy, int limit) {
            text.append(orderBy).append(" LIMIT ").append(limit);
        }

        PreparedStatement prepare(Connection c) throws SQLException {
            PreparedStatement ps = c.prepareStatement(text.toString());
            for (int i = 0; i < params.size(); i++) {
                Object value = params.get(i);
                if (value instanceof TextArray array) {
                    ps.setArray(i + 1, c.createArrayOf("text", array.values()));
                } else {
                    ps.setObject(i + 1, value);
                }
            }
            return ps;
        }
    }
}
