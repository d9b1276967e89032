package dev.taskruns.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench running given statements the way the application runs them: prepared, their parameters
 * bound ({@code -M prepared}), the same number of clients. Each sample (one request's statements with
 * its own parameter values) is a script file, drawn at random per transaction like wrk draws a path;
 * parameters become pgbench variables ({@code -D}), so PostgreSQL sees bind parameters, not literals.
 * pgbench sends them untyped, where pgjdbc names their types: both let the server infer the column's.
 */
final class Pgbench {

    /**
     * What pgbench measured: transactions per second, mean latency, and the 99th percentile of the
     * latencies in its per-transaction log (its summary gives no percentiles).
     */
    record Result(double tps, double meanMillis, double p99Millis) {
    }

    /** pgbench takes at most 128 scripts. */
    static final int MAX_SAMPLES = 100;

    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+)", Pattern.MULTILINE);
    private static final Pattern LATENCY = Pattern.compile("^latency average = ([0-9.]+) ms", Pattern.MULTILINE);

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Path folder;

    Pgbench(String jdbcUrl, String user, String password) throws IOException {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 5432 : uri.getPort();
        this.database = uri.getPath().substring(1);
        this.user = user;
        this.password = password;
        this.folder = Files.createTempDirectory("pgbench");
    }

    static boolean installed() {
        try {
            return new ProcessBuilder("pgbench", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs the samples for {@code seconds} with {@code clients} connections on two threads. */
    Result run(String name, List<List<ServerLog.Executed>> samples, int clients, int seconds) throws Exception {
        Path logs = Files.createTempDirectory(folder, "log");
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-c", Integer.toString(clients),
                "-j", "2", "-T", Integer.toString(seconds), "-h", host, "-p", Integer.toString(port), "-U", user,
                "-l", "--log-prefix=" + logs.resolve("tx")));
        for (int s = 0; s < samples.size(); s++) {
            StringBuilder script = new StringBuilder();
            for (ServerLog.Executed statement : samples.get(s)) {
                String prefix = "s" + s + "p";
                script.append(statement.sql((n, value) -> value == null ? "NULL" : ":" + prefix + n).strip())
                        .append(";\n");
                for (int p = 0; p < statement.parameters().size(); p++) {
                    if (statement.parameters().get(p) != null) {
                        command.addAll(List.of("-D", prefix + (p + 1) + "=" + statement.parameters().get(p)));
                    }
                }
            }
            Path file = folder.resolve(name.replaceAll("\\W+", "_") + "-" + s + ".sql");
            Files.writeString(file, script);
            command.addAll(List.of("-f", file + "@1"));
        }
        command.add(database);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        Process pgbench = builder.start();
        String output = new String(pgbench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher tps = TPS.matcher(output);
        Matcher latency = LATENCY.matcher(output);
        if (pgbench.waitFor() != 0 || !tps.find() || !latency.find()) {
            throw new IllegalStateException("pgbench failed for " + name + ":\n" + output);
        }
        return new Result(Double.parseDouble(tps.group(1)), Double.parseDouble(latency.group(1)), p99Millis(logs));
    }

    /** The 99th percentile latency over every thread's log: a line per transaction, its third field in µs. */
    private static double p99Millis(Path logs) throws IOException {
        List<Long> nanos = new ArrayList<>();
        try (var files = Files.list(logs)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    nanos.add(Long.parseLong(line.split(" ")[2]) * 1_000);
                }
                Files.delete(file);
            }
        }
        Files.delete(logs);
        return nanos.isEmpty() ? Double.NaN : Table.percentileMillis(nanos.stream().mapToLong(Long::longValue).toArray(), 99);
    }
}
