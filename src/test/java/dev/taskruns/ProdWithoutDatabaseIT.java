package dev.taskruns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The prod profile never falls back to an embedded database: without QUARKUS_DATASOURCE_* it refuses to start. */
class ProdWithoutDatabaseIT {

    @Test
    void refusesToStartAndSaysWhatIsMissing() throws IOException, InterruptedException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Dquarkus.http.port=0", "-jar", jar.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("TASKRUNS_"));
        Process process = builder.start();
        boolean exited = process.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(exited).as("the application must stop by itself").isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains("quarkus.datasource.jdbc.url").doesNotContain("Embedded PostgreSQL started");
    }
}
