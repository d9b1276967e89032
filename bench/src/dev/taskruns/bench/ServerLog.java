package dev.taskruns.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements the application sends, with their parameters, as PostgreSQL itself logged them: the
 * benchmark needs "the exact SQL the service sends" for pgbench, and reading it back from the server
 * copies nothing and cannot drift from the code. While {@link #record} runs, {@code log_statement} is
 * {@code all} for every session; the caller's own session writes a marker before each request, and the
 * statements that follow it (from the application's sessions, naming table {@code run}, or for
 * {@code /changes} {@code last_run_change} and {@code change_feed_state}) belong to that request.
 * Needs the JSON log ({@code log_destination=jsonlog}, which the embedded server has) and a superuser
 * to read it.
 */
final class ServerLog {

    /** One statement as the server executed it: its text ($1, $2, ...) and the parameters' values. */
    record Executed(String sql, List<String> parameters) {
        private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d+)");

        /** The text with each $n replaced by {@code replacement.apply(n, value of $n)}. */
        String sql(BiFunction<Integer, String, String> replacement) {
            return PLACEHOLDER.matcher(sql).replaceAll(m -> {
                int n = Integer.parseInt(m.group(1));
                return Matcher.quoteReplacement(replacement.apply(n, parameters.get(n - 1)));
            });
        }
    }

    @FunctionalInterface
    interface Requests {
        /** Sends request {@code i}; the marker is written just before. */
        void send(int i) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXECUTE = Pattern.compile("^execute [^:]+: (.*)$", Pattern.DOTALL);
    private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+) = (NULL|'((?:[^']|'')*)')");
    /** The store's tables a facade request reads: the runs, or the change feed and its retention mark. */
    private static final Pattern READS_STORE = Pattern.compile("\\b(run|last_run_change|change_feed_state)\\b");
    private static final Pattern MARKER = Pattern.compile("SELECT 'bench-request-(\\d+)'$");

    private final Connection c;
    private final String file;

    private ServerLog(Connection c, String file) {
        this.c = c;
        this.file = file;
    }

    /** The server's JSON log, or null when it writes none (a server of your own without jsonlog). */
    static ServerLog of(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_logfile('jsonlog')")) {
            rs.next();
            String file = rs.getString(1);
            return file == null ? null : new ServerLog(c, file);
        }
    }

    /** Sends {@code count} requests with every statement logged; what each of them executed, in order. */
    List<List<Executed>> record(int count, Requests requests) throws Exception {
        long from = size();
        logStatements("all");
        try {
            for (int i = 0; i < count; i++) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 'bench-request-" + i + "'");
                }
                requests.send(i);
            }
        } finally {
            logStatements(null);
        }
        List<List<Executed>> executed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            executed.add(new ArrayList<>());
        }
        int current = -1;
        int ownPid = -1;
        for (String line : read(from).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry = JSON.readTree(line);
            String message = entry.path("message").asText();
            Matcher execute = EXECUTE.matcher(message);
            Matcher marker = MARKER.matcher(message);
            if (marker.find()) {
                current = Integer.parseInt(marker.group(1));
                ownPid = entry.path("pid").asInt();
                continue;
            }
            if (current < 0 || entry.path("pid").asInt() == ownPid || !execute.matches()
                    || !READS_STORE.matcher(execute.group(1)).find()) {
                continue;
            }
            executed.get(current).add(new Executed(execute.group(1), parameters(entry.path("detail").asText())));
        }
        return executed;
    }

    private static List<String> parameters(String detail) {
        List<String> values = new ArrayList<>();
        Matcher m = PARAMETER.matcher(detail);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) != values.size() + 1) {
                throw new IllegalStateException("Parameters out of order in the server log: " + detail);
            }
            values.add(m.group(3) == null ? null : m.group(3).replace("''", "'"));
        }
        return values;
    }

    /** Sets log_statement for every session (null: back to the server's default) and waits for it to apply. */
    private void logStatements(String value) throws SQLException, InterruptedException {
        try (Statement st = c.createStatement()) {
            st.execute(value == null ? "ALTER SYSTEM RESET log_statement" : "ALTER SYSTEM SET log_statement = '" + value + "'");
            st.execute("SELECT pg_reload_conf()");
        }
        // sessions take the new setting before their next command; the signal itself is asynchronous
        Thread.sleep(500);
    }

    private long size() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT size FROM pg_stat_file(?)")) {
            ps.setString(1, file);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String read(long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_read_file(?, ?, ?)")) {
            ps.setString(1, file);
            ps.setLong(2, from);
            ps.setLong(3, size() - from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
