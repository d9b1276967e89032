package dev.taskruns.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {

    private static final DateTimeFormatter CONTRACT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void writesWhatTheContractsPatternWritesForAnyInstantOfYears1To9999() {
        SplittableRandom random = new SplittableRandom(1);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
            assertThat(Timestamps.format(instant)).isEqualTo(CONTRACT.format(instant));
        }
    }

    @Test
    void edgesAndNull() {
        for (String text : new String[] {"0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2026-11-29T10:05:09.007Z",
                "2024-02-29T23:59:59.999999999Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(Timestamps.format(instant)).isEqualTo(CONTRACT.format(instant));
        }
        assertThat(Timestamps.format(null)).isNull();
    }
}
