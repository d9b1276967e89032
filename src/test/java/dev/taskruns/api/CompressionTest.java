package dev.taskruns.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.RunStore;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.Runs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.DecoderConfig;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON answers are gzip-compressed for clients that ask, and only for them. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class CompressionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Database db;

    @Inject
    RunStore store;

    @Test
    void aClientAskingForGzipGetsTheSameJsonCompressed() throws IOException {
        // full pages, as consumers read them: 100 runs on 100 devices
        db.clear();
        List<UnifiedRun> runs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            runs.add(Runs.run("alpha", "run-" + i, "device-" + i, "task-" + i % 7, FacadeFixture.T0.plusSeconds(i),
                    i % 10 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED));
        }
        store.write(runs);
        for (String path : new String[] {"/api/v1/runs?limit=100", "/api/v1/last-runs?limit=100", "/api/v1/sources"}) {
            Response plain = raw().header("Accept-Encoding", "identity").get(path);
            Response gzip = raw().header("Accept-Encoding", "gzip").get(path);
            assertThat(plain.statusCode()).as(path).isEqualTo(200);
            assertThat(gzip.statusCode()).as(path).isEqualTo(200);
            assertThat(plain.header("Content-Encoding")).as(path).isNull();
            assertThat(gzip.header("Content-Encoding")).as(path).isEqualTo("gzip");
            assertThat(gzip.contentType()).as(path).startsWith("application/json");

            byte[] compressed = gzip.asByteArray();
            byte[] inflated;
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
                inflated = in.readAllBytes();
            }
            JsonNode expected = JSON.readTree(plain.asByteArray());
            assertThat(JSON.readTree(inflated)).as(path).isEqualTo(expected);
            if (!path.endsWith("/sources")) {
                assertThat(plain.asByteArray().length).as(path + " plain").isGreaterThan(20_000);
                assertThat(compressed.length).as(path + " compressed").isLessThan(plain.asByteArray().length / 3);
            }
        }
    }

    @Test
    void problemAnswersStayUncompressed() {
        Response problem = raw().header("Accept-Encoding", "gzip").get("/api/v1/runs?limit=0");
        assertThat(problem.statusCode()).isEqualTo(400);
        assertThat(problem.contentType()).startsWith("application/problem+json");
        assertThat(problem.header("Content-Encoding")).isNull();
    }

    /** RestAssured would inflate on its own (and ask for gzip by default): here the bytes as sent. */
    private static io.restassured.specification.RequestSpecification raw() {
        return RestAssured.given().config(RestAssured.config()
                .decoderConfig(DecoderConfig.decoderConfig().noContentDecoders()));
    }
}
