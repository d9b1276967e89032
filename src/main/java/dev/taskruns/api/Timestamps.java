package dev.taskruns.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The facade's one timestamp format: ISO-8601 UTC with exactly three fraction digits. */
final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /**
     * Written digit by digit: DateTimeFormatter walks its pattern and a temporal query per field, and
     * with three timestamps per run (~300 per page) that was ~10% of the facade's CPU (docs/benchmarks.md).
     * Years past 9999 (which the store could hold) keep the formatter's own rendering.
     */
    static String format(Instant instant) {
        if (instant == null) {
            return null;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return FORMAT.format(instant);
        }
        byte[] text = "0000-00-00T00:00:00.000Z".getBytes(StandardCharsets.US_ASCII);
        digits(text, 0, t.getYear(), 4);
        digits(text, 5, t.getMonthValue(), 2);
        digits(text, 8, t.getDayOfMonth(), 2);
        digits(text, 11, t.getHour(), 2);
        digits(text, 14, t.getMinute(), 2);
        digits(text, 17, t.getSecond(), 2);
        digits(text, 20, t.getNano() / 1_000_000, 3);
        return new String(text, StandardCharsets.US_ASCII);
    }

    private static void digits(byte[] text, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** What PostgreSQL's timestamptz and the output format both hold. */
    private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Accepts an ISO-8601 date-time with an offset ({@code Z}, {@code +02:00}) in years 1 to 9999. */
    static Optional<Instant> parse(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant()).filter(Timestamps::inRange);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static boolean inRange(Instant instant) {
        return !instant.isBefore(MIN) && !instant.isAfter(MAX);
    }
}
