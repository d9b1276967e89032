package dev.taskruns.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The best SQL found for each facade shape: the ceiling its HTTP rate is compared with. Each returns
 * everything the answer shows (vendor aside: it follows from the source id, which the service knows
 * from its configuration), on the store's schema, and takes its parameters from the statement the
 * service sent for the same request ($1 there is $1 here), so both read the same devices and pages.
 * Shapes absent here have no better SQL than the service's own, which is then the ceiling too.
 * {@link #check} runs every sample both ways first: a ceiling that returned fewer rows would be a cheat.
 */
final class BestSql {

    private static final String RUN_COLUMNS = """
            r.source_id, r.device_id, d.device_name, r.task_id, t.task_name, r.run_id, r.status, r.vendor_status,
            r.started_at, r.ended_at, r.updated_at, r.error""";
    private static final String TASK = " LEFT JOIN task t ON t.source_id = r.source_id AND t.task_id = r.task_id ";

    /**
     * A page of the change feed in one statement, on the store's schema as it is (V9: the primary key
     * only). The service reads where retention stands and the feed's end (max(id)) in one statement
     * of its own, then ranges of 5,000 ids until the page is full. One statement needs no
     * end: every id it sees is committed in order. Where to start stays a read of change_feed_state, as
     * a page from the oldest and the check of a resume point (410) need it; names are joined as the
     * answer shows them.
     */
    private static final String CHANGES = """
            SELECT c.source_id, c.device_id, d.device_name, c.task_id, t.task_name, c.run_id, c.status,
                   c.vendor_status, c.started_at, c.ended_at, c.updated_at, c.error, c.previous_status, c.id
              FROM last_run_change c
              LEFT JOIN device d ON d.source_id = c.source_id AND d.device_id = c.device_id
              LEFT JOIN task t ON t.source_id = c.source_id AND t.task_id = c.task_id
             WHERE\s""";
    private static final String FROM_OLDEST = CHANGES + "c.id > (SELECT pruned_through FROM change_feed_state)";
    /** A statement reading change rows: one per range the service read. */
    private static final Pattern CHANGE_ROWS = Pattern.compile("FROM last_run_change c\\b");

    /** Sources of a vendor as the service's configuration lists them: no lookup in the database. */
    private static final String ALIBABA_SOURCES = Dataset.SOURCES.stream()
            .filter(s -> s.vendor().name().equals("ALIBABA")).map(s -> "'" + s.id() + "'")
            .collect(Collectors.joining(", ", "(", ")"));

    private static final Map<String, String> BEST = Map.ofEntries(
            // one device in one source: its row's pointer, then the run by primary key
            Map.entry("device last run, source=", "SELECT " + RUN_COLUMNS + " FROM device d JOIN run r ON r.id = d.last_run_id"
                    + TASK + "WHERE d.source_id = $1 AND d.device_id = $2"),
            Map.entry("last-runs, vendor=ALIBABA", "SELECT " + RUN_COLUMNS + " FROM device d JOIN run r ON r.id = d.last_run_id"
                    + TASK + "WHERE d.source_id IN " + ALIBABA_SOURCES + " ORDER BY d.source_id, d.device_id LIMIT 101"),
            Map.entry("runs, vendor=ALIBABA", "SELECT " + RUN_COLUMNS + " FROM (SELECT * FROM run r WHERE r.source_id IN "
                    + ALIBABA_SOURCES + " ORDER BY r.started_at DESC, r.run_id DESC, r.source_id DESC LIMIT 101) r"
                    + " JOIN device d ON d.source_id = r.source_id AND d.device_id = r.device_id" + TASK
                    + "ORDER BY r.started_at DESC, r.run_id DESC, r.source_id DESC"),
            // the parameters of the service's first range: $1 its start, $2 the end of its last range
            // (samples), $3 the filter
            Map.entry("changes, first page", FROM_OLDEST + " ORDER BY c.id LIMIT 100"),
            // a resume point: its 410 check (retention passed it) is a condition here
            Map.entry("changes, deep page", CHANGES + "c.id > $1 AND $1 >= (SELECT pruned_through FROM change_feed_state)"
                    + " ORDER BY c.id LIMIT 100"),
            Map.entry("changes, status=FAILED", FROM_OLDEST + " AND c.status = ANY($3) ORDER BY c.id LIMIT 100"),
            // the 200,000 ids the service's 40 ranges read, in one range scan of the primary key: no
            // index serves a device here. One on (device_id, id) would make this, and each of the
            // service's ranges, a read of the device's ~20 changes; that is a migration, not added
            // (its plan is in docs/benchmarks.md, "The change feed over HTTP")
            Map.entry("changes, deviceId=", FROM_OLDEST + " AND c.id <= $2 AND c.device_id = $3 ORDER BY c.id LIMIT 100"),
            // the feed's end alone; the service's one statement also reads where retention stands
            Map.entry("changes, since=now", """
                    SELECT coalesce((SELECT max(id) FROM last_run_change), (SELECT pruned_through FROM change_feed_state))"""));

    private BestSql() {
    }

    /** The shape's samples with the best SQL in place of the service's, parameters kept. */
    static List<List<ServerLog.Executed>> samples(String shape, List<List<ServerLog.Executed>> service) {
        String best = BEST.get(shape);
        if (best == null) {
            return service;
        }
        return service.stream().map(sample -> List.of(new ServerLog.Executed(best, parameters(sample)))).toList();
    }

    /**
     * The parameters the best statement takes: the service's first statement's; for a page of changes,
     * its first range's, with the end of its last range as $2 (what the whole call read).
     */
    private static List<String> parameters(List<ServerLog.Executed> sample) {
        List<ServerLog.Executed> ranges = changeRanges(sample);
        if (ranges.isEmpty()) {
            return sample.getFirst().parameters();
        }
        List<String> parameters = new ArrayList<>(ranges.getFirst().parameters());
        parameters.set(1, ranges.getLast().parameters().get(1));
        return parameters;
    }

    private static List<ServerLog.Executed> changeRanges(List<ServerLog.Executed> sample) {
        return sample.stream().filter(statement -> CHANGE_ROWS.matcher(statement.sql()).find()).toList();
    }

    /** Every shape's sample returns as many rows the best way as the service's way (else: stop). */
    static void check(Connection c, Map<HttpBench.Shape, List<List<ServerLog.Executed>>> statements) throws SQLException {
        for (var shape : statements.entrySet()) {
            List<List<ServerLog.Executed>> service = shape.getValue();
            List<List<ServerLog.Executed>> best = samples(shape.getKey().name(), service);
            for (int i = 0; i < service.size(); i++) {
                if (service.get(i).isEmpty()) {
                    throw new IllegalStateException(shape.getKey().name() + ": no statement on the store's tables was "
                            + "logged for " + shape.getKey().paths().get(i));
                }
                int expected = answerRows(c, service.get(i));
                int got = answerRows(c, best.get(i));
                if (got != expected) {
                    throw new IllegalStateException(shape.getKey().name() + ": the best SQL returned " + got
                            + " rows where the service's returned " + expected);
                }
            }
        }
    }

    /** The rows of the answer: of the last statement, or of every range a page of changes read. */
    private static int answerRows(Connection c, List<ServerLog.Executed> sample) throws SQLException {
        List<ServerLog.Executed> ranges = changeRanges(sample);
        int rows = 0;
        for (ServerLog.Executed statement : ranges.isEmpty() ? List.of(sample.getLast()) : ranges) {
            rows += rows(c, statement);
        }
        return rows;
    }

    /** Runs a logged statement as pgbench will: its parameters bound untyped. */
    private static int rows(Connection c, ServerLog.Executed statement) throws SQLException {
        List<String> bound = new ArrayList<>();
        String sql = statement.sql((n, value) -> {
            bound.add(value);
            return "?";
        });
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < bound.size(); i++) {
                ps.setObject(i + 1, bound.get(i), Types.OTHER);
            }
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                }
            }
            return rows;
        }
    }
}
