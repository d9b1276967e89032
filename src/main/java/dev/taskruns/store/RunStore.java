package dev.taskruns.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one door into the store: writes a batch of unified runs idempotently in one transaction.
 * New runs are inserted, changed runs updated, and runs already stored exactly as given are left
 * untouched (no new row version, {@code updated_at} kept). Tasks and devices are upserted alongside,
 * and each touched device's last run is recomputed, so "last run" reads never scan all runs. A run
 * whose device changes (Alibaba: the {@code EntityUuid} arrives after a name-based id) moves: the
 * device it left gets its own last run again, or is deleted when no run is left on it.
 *
 * <p>Plain {@code INSERT .. SELECT FROM unnest(..) ON CONFLICT} rather than ORM persists: one round
 * trip per table per batch, an order of magnitude faster than row-at-a-time entity writes.
 */
@ApplicationScoped
public class RunStore {

    /*
     * Each statement first drops the rows that would not change (a join on the natural key): an
     * ON CONFLICT .. DO UPDATE .. WHERE false alone still locks, and WAL-logs the lock of, every
     * existing row, which made re-reading an unchanged page cost ~1 kB of WAL per run.
     * The ON CONFLICT guard stays for rows another transaction writes meanwhile.
     */
    private static final String UPSERT_TASKS = """
            INSERT INTO task AS t (source_id, task_id, task_name)
            SELECT i.source_id, i.task_id, i.task_name
              FROM unnest(?::text[], ?::text[], ?::text[]) AS i(source_id, task_id, task_name)
              LEFT JOIN task cur ON cur.source_id = i.source_id AND cur.task_id = i.task_id
             WHERE cur.task_id IS NULL
                OR (i.task_name IS NOT NULL AND cur.task_name IS DISTINCT FROM i.task_name)
             ORDER BY i.source_id, i.task_id
            ON CONFLICT (source_id, task_id) DO UPDATE
               SET task_name = excluded.task_name, updated_at = now()
             WHERE excluded.task_name IS NOT NULL AND t.task_name IS DISTINCT FROM excluded.task_name
            """;

    /**
     * Also answers, for each run it moved to another device, the device it left (the statement's
     * own snapshot of the row: RETURNING sees only the new row, and one source's writes are
     * serialised by the sync lock, so nothing moves the run in between).
     */
    private static final String UPSERT_RUNS = """
            WITH changed AS (
                SELECT i.*, cur.device_id AS previous_device_id
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                              ?::timestamptz[], ?::timestamptz[], ?::jsonb[], ?::jsonb[], ?::timestamptz[])
                       AS i(source_id, run_id, device_id, task_id, status, vendor_status,
                            started_at, ended_at, error, raw, updated_at)
                  LEFT JOIN run cur ON cur.source_id = i.source_id AND cur.run_id = i.run_id
                 WHERE cur.id IS NULL
                    OR (cur.device_id, cur.task_id, cur.status, cur.vendor_status, cur.started_at, cur.ended_at,
                        cur.error, cur.raw)
                       IS DISTINCT FROM
                       (i.device_id, i.task_id, i.status, i.vendor_status, i.started_at, i.ended_at, i.error, i.raw)
            ), written AS (
                INSERT INTO run AS r (source_id, run_id, device_id, task_id, status, vendor_status,
                                      started_at, ended_at, error, raw, updated_at)
                SELECT i.source_id, i.run_id, i.device_id, i.task_id, i.status, i.vendor_status,
                       i.started_at, i.ended_at, i.error, i.raw, coalesce(i.updated_at, now())
                  FROM changed i
                 ORDER BY i.source_id, i.run_id
                ON CONFLICT (source_id, run_id) DO UPDATE
                   SET device_id = excluded.device_id, task_id = excluded.task_id, status = excluded.status,
                       vendor_status = excluded.vendor_status, started_at = excluded.started_at,
                       ended_at = excluded.ended_at, error = excluded.error, raw = excluded.raw,
                       updated_at = excluded.updated_at
                 WHERE (r.device_id, r.task_id, r.status, r.vendor_status, r.started_at, r.ended_at, r.error, r.raw)
                       IS DISTINCT FROM
                       (excluded.device_id, excluded.task_id, excluded.status, excluded.vendor_status,
                        excluded.started_at, excluded.ended_at, excluded.error, excluded.raw)
                RETURNING r.source_id, r.run_id, r.device_id, (xmax = 0) AS inserted
            )
            SELECT w.source_id, w.inserted, nullif(c.previous_device_id, w.device_id) AS left_device_id
              FROM written w
              JOIN changed c ON c.source_id = w.source_id AND c.run_id = w.run_id
            """;

    /**
     * Recomputes the last run of each touched device (one index probe each) and keeps known names.
     * A device left without runs yields no row here; DELETE_EMPTY_DEVICES removes it. The last run's
     * start and status are copied from the row the probe reads anyway: V7's triggers then skip their
     * own look-up, which they keep for writers that set the pointer alone.
     */
    private static final String REFRESH_DEVICES = """
            INSERT INTO device AS d (source_id, device_id, device_name, last_run_id, last_started_at, last_status)
            SELECT i.source_id, i.device_id, i.device_name, last.id, last.started_at, last.status
              FROM unnest(?::text[], ?::text[], ?::text[]) AS i(source_id, device_id, device_name)
              CROSS JOIN LATERAL (
                    SELECT r.id, r.started_at, r.status FROM run r
                     WHERE r.device_id = i.device_id AND r.source_id = i.source_id
                     ORDER BY r.started_at DESC, r.run_id DESC
                     LIMIT 1) last
              LEFT JOIN device cur ON cur.source_id = i.source_id AND cur.device_id = i.device_id
             WHERE cur.device_id IS NULL OR cur.last_run_id <> last.id
                OR (i.device_name IS NOT NULL AND cur.device_name IS DISTINCT FROM i.device_name)
             ORDER BY i.source_id, i.device_id
            ON CONFLICT (source_id, device_id) DO UPDATE
               SET device_name = coalesce(excluded.device_name, d.device_name),
                   last_run_id = excluded.last_run_id, last_started_at = excluded.last_started_at,
                   last_status = excluded.last_status, updated_at = now()
             WHERE d.last_run_id IS DISTINCT FROM excluded.last_run_id
                OR (excluded.device_name IS NOT NULL AND d.device_name IS DISTINCT FROM excluded.device_name)
            """;

    /** Devices that runs moved away from and that have no run left (their pointer has nowhere to go). */
    private static final String DELETE_EMPTY_DEVICES = """
            DELETE FROM device d
             USING unnest(?::text[], ?::text[]) AS i(source_id, device_id)
             WHERE d.source_id = i.source_id AND d.device_id = i.device_id
               AND NOT EXISTS (SELECT 1 FROM run r WHERE r.device_id = d.device_id AND r.source_id = d.source_id)
            """;

    private static final String COUNT_RUNS = "UPDATE source SET runs_stored = runs_stored + ? WHERE id = ?";

    /** What the change feed compares against: touched devices' last run and its status before the write. */
    private static final String DEVICE_STATES = """
            SELECT d.source_id, d.device_id, d.last_run_id, d.last_status
              FROM unnest(?::text[], ?::text[]) AS i(source_id, device_id)
              JOIN device d ON d.source_id = i.source_id AND d.device_id = i.device_id
            """;

    /**
     * Held from the change rows' insert to commit (a transaction lock), so change ids are taken in
     * commit order across sources and replicas: a feed reader that saw id N can never later find a
     * smaller id committed (docs/change-feed.md). The two-key form has its own lock space, apart
     * from the one-key locks of SourceLock.
     */
    private static final String FEED_LOCK = "SELECT pg_advisory_xact_lock(hashtext('taskruns'), hashtext('change-feed'))";

    /** One change per device whose last run, or its status, differs from before the write. */
    private static final String RECORD_CHANGES = """
            INSERT INTO last_run_change (source_id, device_id, run_id, task_id, status, previous_status,
                                         vendor_status, started_at, ended_at, updated_at, error)
            SELECT d.source_id, d.device_id, r.run_id, r.task_id, r.status, p.last_status,
                   r.vendor_status, r.started_at, r.ended_at, r.updated_at, r.error
              FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[]) AS p(source_id, device_id, last_run_id, last_status)
              JOIN device d ON d.source_id = p.source_id AND d.device_id = p.device_id
              JOIN run r ON r.id = d.last_run_id
             WHERE (d.last_run_id, d.last_status) IS DISTINCT FROM (p.last_run_id, p.last_status)
             ORDER BY d.source_id, d.device_id
            """;

    private static final Comparator<UnifiedRun> BY_KEY =
            Comparator.comparing(UnifiedRun::source).thenComparing(UnifiedRun::runId);

    private final EntityManager em;
    private final ObjectMapper json;

    public RunStore(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /**
     * Writes the batch in the caller's transaction (or a new one). A run given twice in one batch is
     * written once, the later record winning. Sources must already exist (see SourceRegistry).
     */
    @Transactional
    public WriteResult write(List<UnifiedRun> batch) {
        if (batch.isEmpty()) {
            return WriteResult.EMPTY;
        }
        return em.unwrap(Session.class).doReturningWork(c -> write(c, batch));
    }

    /**
     * The same write on a connection the caller manages, in the caller's transaction on it: the
     * entry point for tools outside the container (the benchmarks in bench/).
     */
    public WriteResult write(Connection c, List<UnifiedRun> batch) throws SQLException {
        if (batch.isEmpty()) {
            return WriteResult.EMPTY;
        }
        // Sorted keys: concurrent writers lock rows in the same order, so they cannot deadlock.
        Map<List<String>, UnifiedRun> latest = new LinkedHashMap<>();
        batch.stream().sorted(BY_KEY).forEach(run -> latest.put(List.of(run.source(), run.runId()), run));
        List<UnifiedRun> runs = List.copyOf(latest.values());
        Map<String, Map<String, String>> devices = deviceNames(runs);
        // read before the run upsert: its trigger (V6) already copies a changed last run's status
        Map<List<String>, DeviceState> before = deviceStates(c, devices);
        upsertTasks(c, runs);
        RunsWritten written = upsertRuns(c, runs);
        if (!written.leftDevices().isEmpty()) {
            // a device only left by a moved run is untouched until the refresh: its state is still the old one
            Map<String, Map<String, String>> left = new TreeMap<>();
            written.leftDevices().forEach((source, ids) -> ids.stream()
                    .filter(id -> !devices.getOrDefault(source, Map.of()).containsKey(id))
                    .forEach(id -> left.computeIfAbsent(source, s -> new TreeMap<>()).put(id, null)));
            before.putAll(deviceStates(c, left));
            left.forEach((source, ids) -> devices.computeIfAbsent(source, s -> new TreeMap<>()).putAll(ids));
        }
        refreshDevices(c, devices);
        if (!written.leftDevices().isEmpty()) {
            deleteEmptyDevices(c, written.leftDevices());
        }
        if (written.result().inserted() + written.result().updated() > 0) {
            recordChanges(c, devices, before);
        }
        return written.result();
    }

    /** A device's last run (the run table's id) and its status. */
    private record DeviceState(Long lastRunId, String lastStatus) {
    }

    /** The run upsert's counts, and the devices its moved runs left: source to device ids, in key order. */
    private record RunsWritten(WriteResult result, Map<String, Set<String>> leftDevices) {
    }

    private void upsertTasks(Connection c, List<UnifiedRun> runs) throws SQLException {
        List<UnifiedRun> rows = onePer(runs, UnifiedRun::taskId, UnifiedRun::taskName);
        try (PreparedStatement ps = c.prepareStatement(UPSERT_TASKS)) {
            ps.setArray(1, texts(c, rows, UnifiedRun::source));
            ps.setArray(2, texts(c, rows, UnifiedRun::taskId));
            ps.setArray(3, texts(c, rows, UnifiedRun::taskName));
            ps.executeUpdate();
        }
    }

    private RunsWritten upsertRuns(Connection c, List<UnifiedRun> runs) throws SQLException {
        Map<String, Integer> insertedPerSource = new HashMap<>();
        Map<String, Set<String>> leftDevices = new TreeMap<>();
        int inserted = 0;
        int updated = 0;
        try (PreparedStatement ps = c.prepareStatement(UPSERT_RUNS)) {
            ps.setArray(1, texts(c, runs, UnifiedRun::source));
            ps.setArray(2, texts(c, runs, UnifiedRun::runId));
            ps.setArray(3, texts(c, runs, UnifiedRun::deviceId));
            ps.setArray(4, texts(c, runs, UnifiedRun::taskId));
            ps.setArray(5, texts(c, runs, r -> r.status().name()));
            ps.setArray(6, texts(c, runs, UnifiedRun::vendorStatus));
            ps.setArray(7, texts(c, runs, r -> iso(r.startedAt())));
            ps.setArray(8, texts(c, runs, r -> iso(r.endedAt())));
            ps.setArray(9, texts(c, runs, r -> toJson(r.error())));
            ps.setArray(10, texts(c, runs, r -> toJson(r.raw())));
            ps.setArray(11, texts(c, runs, r -> iso(r.vendorUpdatedAt())));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(2)) {
                        inserted++;
                        insertedPerSource.merge(rs.getString(1), 1, Integer::sum);
                    } else {
                        updated++;
                    }
                    String leftDevice = rs.getString(3);
                    if (leftDevice != null) {
                        leftDevices.computeIfAbsent(rs.getString(1), s -> new TreeSet<>()).add(leftDevice);
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(COUNT_RUNS)) {
            for (Map.Entry<String, Integer> e : new TreeMap<>(insertedPerSource).entrySet()) {
                ps.setLong(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return new RunsWritten(new WriteResult(inserted, updated, runs.size() - inserted - updated), leftDevices);
    }

    /**
     * The batch's devices, each once in key order (source, then device id), with the name the batch
     * gives it: the rows of the device refresh. Sorted, so concurrent writers lock in the same order.
     */
    private static Map<String, Map<String, String>> deviceNames(List<UnifiedRun> runs) {
        Map<String, Map<String, String>> names = new TreeMap<>();
        onePer(runs, UnifiedRun::deviceId, UnifiedRun::deviceName).forEach(run ->
                names.computeIfAbsent(run.source(), s -> new TreeMap<>()).put(run.deviceId(), run.deviceName()));
        return names;
    }

    private static Map<List<String>, DeviceState> deviceStates(Connection c, Map<String, Map<String, String>> devices)
            throws SQLException {
        Map<List<String>, DeviceState> states = new HashMap<>();
        if (devices.isEmpty()) {
            return states;
        }
        try (PreparedStatement ps = c.prepareStatement(DEVICE_STATES)) {
            ps.setArray(1, c.createArrayOf("text", column(devices, (source, id, name) -> source)));
            ps.setArray(2, c.createArrayOf("text", column(devices, (source, id, name) -> id)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.put(List.of(rs.getString(1), rs.getString(2)), new DeviceState(rs.getLong(3), rs.getString(4)));
                }
            }
        }
        return states;
    }

    /**
     * Recomputes the last run of each given device; a device only left by a moved run comes without
     * a name, so its stored name is kept.
     */
    private static void refreshDevices(Connection c, Map<String, Map<String, String>> devices) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REFRESH_DEVICES)) {
            ps.setArray(1, c.createArrayOf("text", column(devices, (source, id, name) -> source)));
            ps.setArray(2, c.createArrayOf("text", column(devices, (source, id, name) -> id)));
            ps.setArray(3, c.createArrayOf("text", column(devices, (source, id, name) -> name)));
            ps.executeUpdate();
        }
    }

    /**
     * The change feed's rows for this write, under the feed lock. A device the write deleted (its
     * only run moved away) has no last run to announce and yields none.
     */
    private static void recordChanges(Connection c, Map<String, Map<String, String>> devices,
                                      Map<List<String>, DeviceState> before) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(FEED_LOCK)) {
            lock.execute();
        }
        // a device new in this write has no state before it: null, which differs from any after it
        DeviceState none = new DeviceState(null, null);
        try (PreparedStatement ps = c.prepareStatement(RECORD_CHANGES)) {
            ps.setArray(1, c.createArrayOf("text", column(devices, (source, id, name) -> source)));
            ps.setArray(2, c.createArrayOf("text", column(devices, (source, id, name) -> id)));
            ps.setArray(3, c.createArrayOf("bigint", column(devices, (source, id, name) ->
                    before.getOrDefault(List.of(source, id), none).lastRunId())));
            ps.setArray(4, c.createArrayOf("text", column(devices, (source, id, name) ->
                    before.getOrDefault(List.of(source, id), none).lastStatus())));
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface DeviceColumn {
        Object value(String source, String deviceId, String deviceName);
    }

    /** One column of the devices' rows, in key order. */
    private static Object[] column(Map<String, Map<String, String>> devices, DeviceColumn column) {
        List<Object> values = new ArrayList<>();
        devices.forEach((source, byId) -> byId.forEach((id, name) -> values.add(column.value(source, id, name))));
        return values.toArray();
    }

    private void deleteEmptyDevices(Connection c, Map<String, Set<String>> leftDevices) throws SQLException {
        List<String> sources = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        leftDevices.forEach((source, byId) -> byId.forEach(id -> {
            sources.add(source);
            ids.add(id);
        }));
        try (PreparedStatement ps = c.prepareStatement(DELETE_EMPTY_DEVICES)) {
            ps.setArray(1, c.createArrayOf("text", sources.toArray()));
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * One run per (source, key) in key order, preferring the last one that carries a name: the
     * rows for the task and device upserts.
     */
    private static List<UnifiedRun> onePer(List<UnifiedRun> runs, Function<UnifiedRun, String> key,
                                           Function<UnifiedRun, String> name) {
        Map<String, Map<String, UnifiedRun>> bySource = new TreeMap<>();
        runs.forEach(run -> bySource.computeIfAbsent(run.source(), s -> new TreeMap<>())
                .merge(key.apply(run), run, (old, neu) -> name.apply(neu) != null ? neu : old));
        return bySource.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    private static Array texts(Connection c, List<UnifiedRun> rows, Function<UnifiedRun, String> column)
            throws SQLException {
        return c.createArrayOf("text", rows.stream().map(column).toArray());
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private String toJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialise JSON", e);
        }
    }
}
