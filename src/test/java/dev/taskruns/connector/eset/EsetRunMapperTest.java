package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EsetRunMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static UnifiedRun map(String run) {
        return EsetRunMapper.map("eseteu", json(run), "t1", "Scan", Map.of("d1", "PC-1"));
    }

    @ParameterizedTest
    @CsvSource({
            "TASK_RUN_STATUS_QUEUED, PENDING",
            "TASK_RUN_STATUS_RUNNING, RUNNING",
            "TASK_RUN_STATUS_FINISHED, SUCCEEDED",
            "TASK_RUN_STATUS_FAILED, FAILED",
            "TASK_RUN_STATUS_SUPPRESSED, SUPPRESSED",
            "TASK_RUN_STATUS_UNSPECIFIED, UNKNOWN",
            "TASK_RUN_STATUS_PAUSED, UNKNOWN"})
    void statusesMapPerTheContractAndUnseenOnesAreKeptAsUnknown(String vendorStatus, RunStatus expected) {
        UnifiedRun run = map("""
                {"uuid":"r1","taskUuid":"t1","deviceUuid":"d1","status":"%s","startTime":"2025-01-01T10:00:00Z"}"""
                .formatted(vendorStatus));

        assertThat(run.status()).isEqualTo(expected);
        assertThat(run.vendorStatus()).isEqualTo(vendorStatus);
    }

    @Test
    void aFinishedRunMapsFieldByFieldAndKeepsTheRawRecordAsReceived() {
        String raw = """
                {"uuid":"r1","taskUuid":"t1","deviceUuid":"d1","status":"TASK_RUN_STATUS_FINISHED",\
                "startTime":"2025-01-01T10:00:00.123456Z","endTime":"2025-01-01T12:30:00+02:00",\
                "result":{"@type":"type.eset.com/ok"},"extra":{"n":1.50}}""";

        JsonNode json = json(raw);
        UnifiedRun run = EsetRunMapper.map("eseteu", json, "t1", "Scan", Map.of("d1", "PC-1"));

        assertThat(run.source()).isEqualTo("eseteu");
        assertThat(run.runId()).isEqualTo("r1");
        assertThat(run.deviceId()).isEqualTo("d1");
        assertThat(run.deviceName()).isEqualTo("PC-1");
        assertThat(run.taskId()).isEqualTo("t1");
        assertThat(run.taskName()).isEqualTo("Scan");
        assertThat(run.startedAt()).isEqualTo(Instant.parse("2025-01-01T10:00:00.123Z"));
        assertThat(run.endedAt()).isEqualTo(Instant.parse("2025-01-01T10:30:00Z"));
        assertThat(run.vendorUpdatedAt()).isNull();
        assertThat(run.error()).as("only failed runs carry an error").isNull();
        assertThat(run.raw()).isSameAs(json).isEqualTo(json(raw));
    }

    @Test
    void aFailedRunCarriesItsResultObjectAsTheError() {
        UnifiedRun run = map("""
                {"uuid":"r1","deviceUuid":"d1","status":"TASK_RUN_STATUS_FAILED","startTime":"2025-01-01T10:00:00Z",\
                "result":{"@type":"type.eset.com/Error","message":"disk full"}}""");

        assertThat(run.error()).isEqualTo(json("{\"@type\":\"type.eset.com/Error\",\"message\":\"disk full\"}"));
        assertThat(run.taskId()).as("the listed task when the run does not name one").isEqualTo("t1");
    }

    @Test
    void aRunWithoutStartTimeStartsAtItsEndTime() {
        UnifiedRun run = map("""
                {"uuid":"r1","deviceUuid":"d2","status":"TASK_RUN_STATUS_SUPPRESSED","endTime":"2025-01-01T10:00:00Z"}""");

        assertThat(run.startedAt()).isEqualTo(Instant.parse("2025-01-01T10:00:00Z"));
        assertThat(run.deviceName()).as("unknown device: no name").isNull();
    }

    @Test
    void aMissingStatusIsUnspecifiedAndUnknown() {
        UnifiedRun run = map("{\"uuid\":\"r1\",\"deviceUuid\":\"d1\",\"startTime\":\"2025-01-01T10:00:00Z\"}");

        assertThat(run.vendorStatus()).isEqualTo("TASK_RUN_STATUS_UNSPECIFIED");
        assertThat(run.status()).isEqualTo(RunStatus.UNKNOWN);
    }

    @Test
    void runsThatCannotBeStoredAreRejectedWithAReason() {
        assertThatThrownBy(() -> map("{\"deviceUuid\":\"d1\",\"startTime\":\"2025-01-01T10:00:00Z\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uuid");
        assertThatThrownBy(() -> map("{\"uuid\":\"r1\",\"startTime\":\"2025-01-01T10:00:00Z\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deviceUuid");
        assertThatThrownBy(() -> map("{\"uuid\":\"r1\",\"deviceUuid\":\"d1\",\"status\":\"TASK_RUN_STATUS_QUEUED\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither startTime nor endTime");
        assertThatThrownBy(() -> map("{\"uuid\":\"r1\",\"deviceUuid\":\"d1\",\"startTime\":\"yesterday\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startTime");
    }
}
