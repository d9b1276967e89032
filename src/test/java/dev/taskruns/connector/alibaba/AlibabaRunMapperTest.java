package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlibabaRunMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 1700031183572, the vendor's example time. */
    private static final Instant EXAMPLE_TIME = Instant.parse("2023-11-15T06:53:03.572Z");

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A minimal valid task; tests change or remove what they are about. */
    private static ObjectNode task() {
        return json("""
                {"TaskId":"150001","EntityType":"ip","EntityName":"10.0.0.1","TaskStatus":20,\
                "GmtCreateMillis":1700000000000}""");
    }

    private static UnifiedRun map(JsonNode task) {
        return AlibabaRunMapper.map("ali", task);
    }

    @Test
    void theVendorsDocumentationExampleMapsFieldByField() throws IOException {
        JsonNode example;
        try (InputStream in = getClass().getResourceAsStream("describe-process-tasks.example.json")) {
            example = JSON.readTree(in).get("ProcessTasks").get(0); // the vendor's page, verbatim
        }
        String asReceived = example.toString();

        UnifiedRun run = map(example);

        assertThat(run.source()).isEqualTo("ali");
        assertThat(run.runId()).isEqualTo("150xxxxxxxxx95066");
        assertThat(run.taskId()).isEqualTo("150xxxxxxxxx95066");
        assertThat(run.taskName()).isEqualTo("waf_whole_process");
        assertThat(run.deviceId()).as("the example's trailing \\n stripped").isEqualTo("69d189e2-ec17-4676-a2fe-02969234****");
        assertThat(run.deviceName()).isEqualTo("1.1.1.x");
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(run.vendorStatus()).isEqualTo("11");
        assertThat(run.startedAt()).isEqualTo(EXAMPLE_TIME);
        assertThat(run.endedAt()).isEqualTo(EXAMPLE_TIME);
        assertThat(run.vendorUpdatedAt()).isEqualTo(EXAMPLE_TIME);
        assertThat(run.error()).isEqualTo(json("""
                {"code":"sts_openapi.Info.DefenseSceneNotSupported",\
                "message":"ParamError : The parameters of your request are invalid",\
                "tip":"Verify that the input parameters of the components are correct"}"""));
        assertThat(run.raw()).isSameAs(example);
        assertThat(run.raw().toString()).as("untouched, trailing \\n included").isEqualTo(asReceived)
                .contains("02969234****\\n");
    }

    @ParameterizedTest
    @CsvSource({
            "11, RUNNING",
            "20, SUCCEEDED",
            "21, SUCCEEDED",
            "22, SUCCEEDED",
            "23, SUCCEEDED",
            "24, SUCCEEDED",
            "90, FAILED",
            "91, FAILED",
            "92, FAILED",
            "99, UNKNOWN",
            "0, UNKNOWN",
            "-1, UNKNOWN"})
    void everyDocumentedStatusMapsAndAnUnseenOneIsKeptAsUnknown(int taskStatus, RunStatus expected) {
        UnifiedRun run = map(task().put("TaskStatus", taskStatus));

        assertThat(run.status()).isEqualTo(expected);
        assertThat(run.vendorStatus()).isEqualTo(Integer.toString(taskStatus));
        assertThat(AlibabaRunMapper.status(Integer.toString(taskStatus))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"abc, UNKNOWN", "90, FAILED", "' 90', UNKNOWN", "'', UNKNOWN"})
    void aStringStatusIsTakenAsIs(String taskStatus, RunStatus expected) {
        UnifiedRun run = map(task().put("TaskStatus", taskStatus));

        assertThat(run.vendorStatus()).isEqualTo(taskStatus);
        assertThat(run.status()).isEqualTo(expected);
    }

    @Test
    void aTaskWithoutStatusIsUnsetAndUnknown() {
        assertThat(map(task().without("TaskStatus")))
                .extracting(UnifiedRun::vendorStatus, UnifiedRun::status)
                .containsExactly("UNSET", RunStatus.UNKNOWN);
        assertThat(map(task().putNull("TaskStatus")).vendorStatus()).isEqualTo("UNSET");
        assertThat(AlibabaRunMapper.status(null)).isEqualTo(RunStatus.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"e7c1-42\"        | e7c1-42",
            "\"  e7c1-42 \\n\"  | e7c1-42",
            "\"\"               | ip:10.0.0.1",
            "\"   \"            | ip:10.0.0.1",
            "\"  \\n\"          | ip:10.0.0.1",
            "null               | ip:10.0.0.1"})
    void theDeviceIsTheEntityUuidElseTypeAndName(String entityUuidJson, String expectedDeviceId) {
        ObjectNode task = task();
        task.set("EntityUuid", json("{\"v\":" + entityUuidJson + "}").get("v"));

        UnifiedRun run = map(task);

        assertThat(run.deviceId()).isEqualTo(expectedDeviceId);
        assertThat(run.deviceName()).isEqualTo("10.0.0.1");
    }

    @Test
    void withoutEntityUuidTheDeviceIsTypeAndNameStripped() {
        UnifiedRun run = map(task().put("EntityType", " file\n").put("EntityName", "\tminer.sh \n"));

        assertThat(run.deviceId()).isEqualTo("file:miner.sh");
        assertThat(run.deviceName()).isEqualTo("miner.sh");
    }

    @Test
    void withAnEntityUuidTheNameIsOptional() {
        UnifiedRun run = map(task().put("EntityUuid", "e7c1-42").put("EntityName", " ").without("EntityType"));

        assertThat(run.deviceId()).isEqualTo("e7c1-42");
        assertThat(run.deviceName()).isNull();
    }

    @Test
    void aTaskWithoutEntityUuidNeedsBothTypeAndName() {
        assertThatThrownBy(() -> map(task().without("EntityType")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 150001 has no EntityUuid and no EntityType");
        assertThatThrownBy(() -> map(task().put("EntityName", " \n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 150001 has no EntityUuid and no EntityName");
    }

    @Test
    void theTaskIdIsRunIdAndTaskIdAndANumberIsTakenAsWritten() {
        UnifiedRun run = map(task().put("TaskId", 150123456789095066L));

        assertThat(run.runId()).isEqualTo("150123456789095066");
        assertThat(run.taskId()).isEqualTo("150123456789095066");
    }

    @Test
    void aTaskWithoutAUsableTaskIdIsABadRecord() {
        assertThatThrownBy(() -> map(task().without("TaskId")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task without TaskId");
        assertThatThrownBy(() -> map(task().put("TaskId", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task without TaskId");
        assertThatThrownBy(() -> map(task().putNull("TaskId")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task without TaskId");
        assertThatThrownBy(() -> map(task().put("TaskId", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task has an unreadable TaskId");
        assertThatThrownBy(() -> map(JSON.getNodeFactory().arrayNode()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task record is not a JSON object");
    }

    @Test
    void theTaskNameIsTheSceneNameWhenGiven() {
        assertThat(map(task().put("SceneName", "waf_whole_process")).taskName()).isEqualTo("waf_whole_process");
        assertThat(map(task().put("SceneName", "  ")).taskName()).isNull();
        assertThat(map(task()).taskName()).isNull();
    }

    @Test
    void aTaskStartsAtItsProcessTime() {
        UnifiedRun run = map(task().put("ProcessTime", 1700031183572L));

        assertThat(run.startedAt()).isEqualTo(EXAMPLE_TIME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"absent", "null", "0", "-1", "\"\"", "\" \""})
    void withoutAProcessTimeATaskStartsWhenItWasCreated(String processTime) {
        ObjectNode task = task().put("GmtCreateMillis", 1700031183572L);
        if (!processTime.equals("absent")) {
            task.set("ProcessTime", json("{\"v\":" + processTime + "}").get("v"));
        }

        assertThat(map(task).startedAt()).isEqualTo(EXAMPLE_TIME);
    }

    @Test
    void aTaskWithNeitherProcessTimeNorCreationTimeIsABadRecord() {
        assertThatThrownBy(() -> map(task().without("GmtCreateMillis")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 150001 has neither ProcessTime nor GmtCreateMillis");
        assertThatThrownBy(() -> map(task().put("GmtCreateMillis", 0).put("ProcessTime", -5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 150001 has neither ProcessTime nor GmtCreateMillis");
    }

    @Test
    void timesMayComeAsNumericStrings() {
        UnifiedRun run = map(task().put("ProcessTime", "1700031183572").put("RemoveTime", " 1700031184000 ")
                .put("GmtModifiedMillis", "1700031185000"));

        assertThat(run.startedAt()).isEqualTo(EXAMPLE_TIME);
        assertThat(run.endedAt()).isEqualTo(Instant.parse("2023-11-15T06:53:04Z"));
        assertThat(run.vendorUpdatedAt()).isEqualTo(Instant.parse("2023-11-15T06:53:05Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ProcessTime       | \"yesterday\"",
            "ProcessTime       | 1.7000311835E12",
            "GmtCreateMillis   | \"17e11\"",
            "RemoveTime        | true",
            "GmtModifiedMillis | {\"ms\":1}",
            "GmtModifiedMillis | 99999999999999999999"})
    void anUnreadableTimeIsABadRecordNamingTheField(String field, String valueJson) {
        ObjectNode task = task();
        task.set(field, json("{\"v\":" + valueJson + "}").get("v"));

        assertThatThrownBy(() -> map(task))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 150001 has an unreadable " + field);
    }

    @Test
    void aRemoveTimeEndsTheTask() {
        assertThat(map(task().put("TaskStatus", 23).put("RemoveTime", 1700031183572L)).endedAt()).isEqualTo(EXAMPLE_TIME);
        assertThat(map(task().put("RemoveTime", 0)).endedAt()).isNull();
        assertThat(map(task()).endedAt()).isNull();
        assertThat(map(task()).vendorUpdatedAt()).as("no GmtModifiedMillis").isNull();
    }

    @Test
    void theErrorCarriesOnlyTheNonBlankErrorFields() {
        assertThat(map(task()).error()).isNull();
        assertThat(map(task().put("ErrCode", "").put("ErrMsg", "  ").putNull("ErrTip")).error()).isNull();
        assertThat(map(task().put("ErrMsg", "disk full")).error()).isEqualTo(json("{\"message\":\"disk full\"}"));
        assertThat(map(task().put("ErrCode", " ").put("ErrTip", "retry later")).error())
                .isEqualTo(json("{\"tip\":\"retry later\"}"));
        assertThat(map(task().put("ErrCode", "E1").put("ErrMsg", "bad").put("ErrTip", "fix it")).error())
                .isEqualTo(json("{\"code\":\"E1\",\"message\":\"bad\",\"tip\":\"fix it\"}"));
    }

    @Test
    void theRawRecordIsKeptAsReceived() {
        ObjectNode task = task().put("Unexpected", "kept");
        String asReceived = task.toString();

        UnifiedRun run = map(task);

        assertThat(run.raw()).isSameAs(task);
        assertThat(run.raw().toString()).isEqualTo(asReceived);
    }
}
