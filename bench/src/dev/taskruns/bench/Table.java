package dev.taskruns.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text (Markdown pipe) table: what every benchmark prints, ready to paste into docs. */
public final class Table {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
    }

    public void add(Object... cells) {
        rows.add(Arrays.stream(cells).map(Table::format).toArray(String[]::new));
    }

    public void print() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        System.out.println(line(header, width));
        String[] rule = new String[header.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        System.out.println(line(rule, width));
        rows.forEach(row -> System.out.println(line(row, width)));
        System.out.println();
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder out = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(String.format("%-" + width[i] + "s", cells[i])).append(" |");
        }
        return out.toString();
    }

    private static String format(Object cell) {
        if (cell instanceof Double d) {
            return d >= 100 ? String.format("%,.0f", d) : String.format("%.2f", d);
        }
        if (cell instanceof Integer || cell instanceof Long) {
            return String.format("%,d", ((Number) cell).longValue());
        }
        return String.valueOf(cell);
    }

    /** The p-th percentile (0..100) of nanosecond samples, in milliseconds (nearest rank). */
    public static double percentileMillis(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
