package dev.taskruns.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.store.RunQueries;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code EXPLAIN (ANALYZE, BUFFERS)} of every facade call in {@link Scenarios}, printed as Markdown.
 * The SQL is not copied: {@link RunQueries} runs on a connection wrapper that prefixes each statement
 * it prepares with EXPLAIN and records the text, parameters and plan (the call itself then sees no
 * rows). Each call runs once unexplained first, so the plan shows a warm cache as in steady state.
 */
public final class QueryPlans {

    private record Explained(String sql, List<String> parameters, List<String> plan) {
    }

    public static void main(String[] args) throws Exception {
        Dataset data = Dataset.fromProperties();
        BenchDatabase db = BenchDatabase.openWith(data);
        RunQueries queries = new RunQueries(null, new ObjectMapper());
        System.out.printf("<!-- %,d runs, %,d devices, %,d tasks; PostgreSQL %s -->%n%n", data.runs, data.devices,
                data.tasks, db.describe());
        try (Connection c = db.connect()) {
            Scenarios scenarios = Scenarios.of(data, c);
            for (Scenarios.Scenario scenario : scenarios.all()) {
                scenario.call().run(queries, c, new SplittableRandom(7));
                List<Explained> explained = new ArrayList<>();
                scenario.call().run(queries, explaining(c, explained), new SplittableRandom(7));
                for (Explained e : explained) {
                    System.out.printf("### %s (`%s`)%n%n```sql%n%s%n```%n%nParameters: %s%n%n```%n%s%n```%n%n",
                            scenario.name(), scenario.endpoint(), e.sql().strip(), e.parameters(),
                            String.join("\n", e.plan()));
                }
            }
        }
    }

    /** A connection whose prepared statements run as EXPLAIN (ANALYZE, BUFFERS) into {@code sink}. */
    private static Connection explaining(Connection real, List<Explained> sink) {
        return proxy(Connection.class, (method, args) -> {
            if (method.getName().equals("prepareStatement") && args.length == 1) {
                String sql = (String) args[0];
                PreparedStatement explain = real.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql);
                List<String> parameters = new ArrayList<>();
                return proxy(PreparedStatement.class, (m, a) -> {
                    if (m.getName().startsWith("set") && a != null && a.length == 2 && a[0] instanceof Integer) {
                        parameters.add("$" + a[0] + "=" + (a[1] instanceof Array array
                                ? Arrays.toString((Object[]) array.getArray()) : String.valueOf(a[1])));
                    }
                    if (m.getName().equals("executeQuery")) {
                        List<String> plan = new ArrayList<>();
                        try (ResultSet rs = explain.executeQuery()) {
                            while (rs.next()) {
                                plan.add(rs.getString(1));
                            }
                        }
                        sink.add(new Explained(sql, parameters, plan));
                        return real.createStatement().executeQuery("SELECT 1 WHERE false");
                    }
                    return m.invoke(explain, a);
                });
            }
            return method.invoke(real, args);
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(QueryPlans.class.getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> {
                    try {
                        return handler.handle(method, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
