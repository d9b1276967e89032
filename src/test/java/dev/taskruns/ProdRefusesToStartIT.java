package dev.taskruns;

import dev.taskruns.config.EmbeddedDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The prod profile stops at once, saying what is missing, rather than running half configured. */
class ProdRefusesToStartIT {

    /** Never an embedded database: without QUARKUS_DATASOURCE_* it refuses to start. */
    @Test
    void withoutADatabase() throws IOException, InterruptedException {
        String output = refusedStart(Map.of());
        assertThat(output).contains("quarkus.datasource.jdbc.url").doesNotContain("Embedded PostgreSQL started");
    }

    /** Authentication cannot be silently off: without a verification key it refuses to start. */
    @Test
    void withoutATokenVerificationKey() throws IOException, InterruptedException {
        String output = refusedStart(Map.of("QUARKUS_DATASOURCE_JDBC_URL", EmbeddedDatabase.startEphemeral(),
                "QUARKUS_DATASOURCE_USERNAME", "postgres", "QUARKUS_DATASOURCE_PASSWORD", "postgres"));
        assertThat(output).contains("mp.jwt.verify.publickey.location").contains("taskruns.auth.enabled=false");
    }

    private static String refusedStart(Map<String, String> env) throws IOException, InterruptedException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Dquarkus.http.port=0",
                        "-Dquarkus.management.port=0", "-jar", jar.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("TASKRUNS_")
                || name.startsWith("MP_JWT_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean exited = process.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as("the application must stop by itself").isTrue();
        assertThat(process.exitValue()).isNotZero();
        return output;
    }
}
