package dev.taskruns.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                    + "ORDER BY r.started_at DESC, r.run_id DESC, r.source_id DESC"));

    private BestSql() {
    }

    /** The shape's samples with the best SQL in place of the service's, parameters kept. */
    static List<List<ServerLog.Executed>> samples(String shape, List<List<ServerLog.Executed>> service) {
        String best = BEST.get(shape);
        if (best == null) {
            return service;
        }
        return service.stream().map(sample -> List.of(new ServerLog.Executed(best, sample.getFirst().parameters())))
                .toList();
    }

    /** Every shape's sample returns as many rows the best way as the service's way (else: stop). */
    static void check(Connection c, Map<HttpBench.Shape, List<List<ServerLog.Executed>>> statements) throws SQLException {
        for (var shape : statements.entrySet()) {
            List<List<ServerLog.Executed>> service = shape.getValue();
            List<List<ServerLog.Executed>> best = samples(shape.getKey().name(), service);
            for (int i = 0; i < service.size(); i++) {
                if (service.get(i).isEmpty()) {
                    throw new IllegalStateException(shape.getKey().name() + ": no statement on table run was logged "
                            + "for " + shape.getKey().paths().get(i));
                }
                int expected = rows(c, service.get(i).getLast());
                int got = rows(c, best.get(i).getLast());
                if (got != expected) {
                    throw new IllegalStateException(shape.getKey().name() + ": the best SQL returned " + got
                            + " rows where the service's returned " + expected);
                }
            }
        }
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
