package dev.taskruns;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the code native-ready as it grows: in a native image Jackson sees only the types registered
 * for reflection. Every record or Jackson-annotated type of the application must either be registered
 * ({@code @RegisterForReflection}) or be listed below as never meeting Jackson, with the reason. A new
 * DTO that is neither fails here, before it fails in a native build nobody runs on this machine.
 */
class NativeRegistrationTest {

    /** Records that never go through Jackson, and why. */
    private static final Map<String, String> NOT_JSON = Map.ofEntries(
            entry("dev.taskruns.api.FilterParams$ParsedQuery", "parsed query parameters, in memory"),
            entry("dev.taskruns.api.ChangeParams$ParsedChanges", "parsed query parameters, in memory"),
            entry("dev.taskruns.config.SourceDefinition", "built from configuration"),
            entry("dev.taskruns.connector.ConnectorRuntime", "collaborators handed to connectors"),
            entry("dev.taskruns.connector.VendorTransport$Done", "a verdict on an answer, in memory"),
            entry("dev.taskruns.connector.VendorTransport$Again", "a verdict on an answer, in memory"),
            entry("dev.taskruns.connector.VendorTransport$Retry", "a verdict on an answer, in memory"),
            entry("dev.taskruns.connector.VendorTransport$Fail", "a verdict on an answer, in memory"),
            entry("dev.taskruns.connector.alibaba.AcsSigner$AccessKey", "credentials from configuration"),
            entry("dev.taskruns.connector.alibaba.AlibabaConnector$Range", "a time window, in memory"),
            entry("dev.taskruns.connector.alibaba.ProcessTasks$Page", "built field by field from a JsonNode"),
            entry("dev.taskruns.connector.alibaba.WindowCheckpoint", "written and read as JsonNode by hand"),
            entry("dev.taskruns.connector.alibaba.WindowCheckpoint$Window", "written and read as JsonNode by hand"),
            entry("dev.taskruns.connector.eset.DeviceNames$Known", "a cache entry, in memory"),
            entry("dev.taskruns.connector.eset.EsetApiClient$RunQuery", "query parameters, in memory"),
            entry("dev.taskruns.connector.eset.EsetTask", "read field by field from a JsonNode (EsetTask.from)"),
            entry("dev.taskruns.connector.eset.TaskCheckpoint", "written and read as JsonNode by hand"),
            entry("dev.taskruns.connector.eset.TaskProgress", "written and read as JsonNode by hand"),
            entry("dev.taskruns.store.DeviceEntity$Key", "a JPA id class"),
            entry("dev.taskruns.store.SyncCheckpointEntity$Key", "a JPA id class"),
            entry("dev.taskruns.store.TaskEntity$Key", "a JPA id class"),
            entry("dev.taskruns.store.RunFilter", "a query filter, in memory"),
            entry("dev.taskruns.store.RunQueries$TextArray", "a JDBC array parameter"),
            entry("dev.taskruns.store.RunQueries$DeviceKey", "a keyset position, encoded by api.Cursor"),
            entry("dev.taskruns.store.RunQueries$RunKey", "a keyset position, encoded by api.Cursor"),
            entry("dev.taskruns.store.RunStore$RunsWritten", "a batch result, in memory"),
            entry("dev.taskruns.store.RunStore$DeviceState", "a device row read by JDBC, compared in SQL"),
            entry("dev.taskruns.store.RunQueries$Change", "a row read by JDBC, mapped to api.ChangeDto"),
            entry("dev.taskruns.store.RunQueries$ChangeStretch", "a read result, in memory"),
            entry("dev.taskruns.store.RunQueries$ChangeBounds", "a read result, in memory"),
            entry("dev.taskruns.feed.ChangeFeed$Start", "a reader's start, in memory"),
            entry("dev.taskruns.store.RunView", "a row read by JDBC, mapped to api.RunDto"),
            entry("dev.taskruns.store.StoredRun", "a row read by JDBC"),
            entry("dev.taskruns.store.UnifiedRun", "a mapped vendor record on its way to the batch write"),
            entry("dev.taskruns.store.WriteResult", "a batch result, in memory"));

    @Test
    void everyRecordOrJacksonTypeIsRegisteredOrKnownNotToMeetJackson() throws IOException {
        List<String> unregistered = applicationClasses()
                .filter(NativeRegistrationTest::mayMeetJackson)
                .filter(type -> !type.isAnnotationPresent(RegisterForReflection.class))
                .map(Class::getName)
                .filter(name -> !NOT_JSON.containsKey(name))
                .sorted().toList();
        assertThat(unregistered).as("add @RegisterForReflection, or list it in NOT_JSON with the reason").isEmpty();
    }

    @Test
    void theListNamesOnlyTypesThatExistAndAreNotRegistered() throws IOException {
        List<String> names = applicationClasses().map(Class::getName).toList();
        assertThat(names).containsAll(NOT_JSON.keySet());
        assertThat(applicationClasses().filter(type -> NOT_JSON.containsKey(type.getName())))
                .noneMatch(type -> type.isAnnotationPresent(RegisterForReflection.class));
    }

    /** The guard itself: a record of the kind one adds for a new vendor answer is caught. */
    @Test
    void aNewUnregisteredDtoWouldBeCaught() {
        record NewVendorAnswer(String id) {
        }
        assertThat(mayMeetJackson(NewVendorAnswer.class)).isTrue();
        assertThat(NewVendorAnswer.class.isAnnotationPresent(RegisterForReflection.class)).isFalse();
    }

    private static boolean mayMeetJackson(Class<?> type) {
        return type.isRecord() || Stream.of(type.getDeclaredAnnotations()).map(Annotation::annotationType)
                .anyMatch(annotation -> annotation.getPackageName().startsWith("com.fasterxml.jackson"));
    }

    /** The application's own classes (main code, as packaged: no simulator, no generated subclasses). */
    private static Stream<Class<?>> applicationClasses() throws IOException {
        Path root = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(root.resolve("dev/taskruns"))) {
            return files.map(root::relativize).map(Path::toString)
                    .filter(file -> file.endsWith(".class") && !file.contains("/simulator/"))
                    .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.'))
                    .map(NativeRegistrationTest::load).toList().stream();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, NativeRegistrationTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
