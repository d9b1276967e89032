package dev.taskruns.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SimulatorAdmin;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the alert rules of k8s/overlays/prod read only metrics the service
 * exposes: after a successful cycle with a retried call, a failed cycle and a facade request, every
 * metric their PromQL names is on {@code /q/metrics}. The validator (k8s/validate) checks their
 * syntax; this checks their names, which only the running service knows.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ObservabilityArtefactsTest {

    private static final Path DASHBOARD = Path.of("k8s/overlays/prod/grafana-dashboard.json");
    private static final Path RULES = Path.of("k8s/overlays/prod/prometheusrule.yaml");
    /** The service's own metrics and Quarkus' HTTP server timer, as PromQL names them. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:taskruns|http_server)_[a-z0-9_]+\\b");
    private static final SimulatorAdmin ALIBABA = new SimulatorAdmin("/simulator/alibaba");

    @Inject
    SyncEngine engine;

    @Inject
    SyncMetrics metrics;

    @Inject
    SyncConfig config;

    @Inject
    Database db;

    @AfterEach
    void unmovedClock() {
        RestAssured.post("/simulator/alibaba/admin/reset").then().statusCode(200);
    }

    @Test
    void everyMetricTheDashboardAndTheRulesReadIsExposed() throws IOException {
        Set<String> exposed = exposedAfterSyncs();
        Set<String> used = new TreeSet<>(metricNames(dashboardQueries()));
        used.addAll(metricNames(List.of(Files.readString(RULES))));

        assertThat(used).contains("taskruns_sync_last_success", "taskruns_sync_poll_interval_seconds",
                "taskruns_sync_consecutive_failures", "taskruns_sync_bad_records_total",
                "taskruns_vendor_api_calls_total", "http_server_requests_seconds_bucket");
        assertThat(exposed).containsAll(used);
    }

    @Test
    void theDashboardHasAPanelForEachThingTheIssueAsksFor() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> titles = new ArrayList<>();
        dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));

        assertThat(dashboard.get("uid").asText()).isEqualTo("taskrun-aggregator");
        assertThat(titles).contains("Sync lag per source", "API calls per vendor by outcome", "Throttling per vendor",
                "Bad records per source", "Facade latency (95th percentile) per endpoint");
    }

    @Test
    void theFailingRuleFiresWhereTheSourceStateTurnsFailing() throws IOException {
        String rules = Files.readString(RULES);

        assertThat(rules).contains("alert: TaskrunsSourceFailing", "alert: TaskrunsSyncStale",
                "alert: TaskrunsBadRecordsRising", "> 3 * max by (source, vendor) (taskruns_sync_poll_interval_seconds)")
                .contains("max by (source, vendor) (taskruns_sync_consecutive_failures) >= " + config.failingAfter());
    }

    /** The metric names of {@code /q/metrics} after the cycles and requests that create them. */
    private Set<String> exposedAfterSyncs() {
        db.clear();
        RestAssured.given().queryParam("seed", 11).queryParam("entities", 20).queryParam("tasks", 40)
                .post("/simulator/alibaba/admin/reset").then().statusCode(200);
        // one retried call (taskruns_vendor_api_retries_total); vendor time ahead of the clock, as TestClock needs
        ALIBABA.faults(Map.of("rateLimitPerSecond", 0, "serverError", Map.of("next", 1)));
        ALIBABA.advance(3600);
        EndToEnd.syncOnce(engine, "asim");
        EndToEnd.syncOnce(engine, "abad"); // a wrong secret: one failed cycle
        RestAssured.get("/api/v1/sources").then().statusCode(200);
        refreshOutsideAnyContext();

        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(text).contains("taskruns_sync_consecutive_failures{source=\"abad\",vendor=\"alibaba\"} 1.0")
                .contains("taskruns_sync_consecutive_failures{source=\"asim\",vendor=\"alibaba\"} 0.0")
                .containsPattern("taskruns_sync_last_success\\{source=\"asim\",vendor=\"alibaba\"} \\d\\.\\d+E9")
                .doesNotContain("taskruns_sync_last_success{source=\"abad\"");
        return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    /** As the scheduler and the start-up observer call it: on a thread of its own, without this test's request context. */
    private void refreshOutsideAnyContext() {
        try {
            Thread.ofVirtual().start(metrics::refresh).join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.get("expr").asText())));
        dashboard.path("templating").path("list").forEach(v -> queries.add(v.path("definition").asText()));
        return queries;
    }

    private static Set<String> metricNames(List<String> texts) {
        Set<String> names = new TreeSet<>();
        for (String text : texts) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
