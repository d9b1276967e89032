package dev.taskruns.connector.alibaba.simulator;

import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.Client;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.KEY;
import static dev.taskruns.connector.alibaba.simulator.AlibabaSimulatorApi.groundTruth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Alibaba's own generic client ({@code tea-openapi}, V3 signing by default) against the simulator:
 * proof that the simulator accepts what the vendor's code signs, not only what our signer signs.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AlibabaSimulatorOfficialClientTest {

    @BeforeEach
    void reset() {
        AlibabaSimulatorApi.resetWithoutRateLimit();
    }

    @Test
    void theOfficialClientListsTasksFilteredByStatus() throws Exception {
        List<Map<String, Object>> truth = groundTruth().getList("tasks");
        long expected = truth.stream().filter(t -> Set.of(11, 21).contains(t.get("TaskStatus"))).count();

        Map<String, ?> answer = client(KEY.secret()).callApi(describeProcessTasks(),
                new OpenApiRequest().setQuery(Map.of("PageSize", "10", "PageNumber", "1", "TaskStatus", "[\"11\",\"21\"]")),
                noRetries());

        assertThat(answer.get("statusCode")).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) answer.get("body");
        @SuppressWarnings("unchecked")
        Map<String, Object> page = (Map<String, Object>) body.get("Page");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) body.get("ProcessTasks");
        assertThat(expected).isPositive();
        assertThat(((Number) page.get("TotalCount")).longValue()).isEqualTo(expected);
        assertThat(((Number) page.get("PageSize")).intValue()).isEqualTo(10);
        assertThat(tasks).hasSize((int) Math.min(10, expected))
                .allSatisfy(t -> assertThat(((Number) t.get("TaskStatus")).intValue()).isIn(11, 21));
        assertThat(body.get("RequestId")).isNotNull();
    }

    @Test
    void aWrongSecretThroughTheOfficialClientDoesNotMatch() throws Exception {
        Client client = client("not-the-secret");

        TeaException refused = catchThrowableOfType(TeaException.class, () -> client.callApi(describeProcessTasks(),
                new OpenApiRequest().setQuery(Map.of("PageSize", "10", "PageNumber", "1")), noRetries()));

        assertThat(refused).isNotNull();
        assertThat(refused.getCode()).isEqualTo("SignatureDoesNotMatch");
        assertThat(refused.getMessage()).doesNotContain("not-the-secret");
    }

    private static Client client(String secret) throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return new Client(new Config().setAccessKeyId(KEY.id()).setAccessKeySecret(secret)
                .setEndpoint("localhost:" + port).setProtocol("http"));
    }

    private static Params describeProcessTasks() {
        return new Params().setAction("DescribeProcessTasks").setVersion("2022-07-28").setProtocol("HTTP")
                .setPathname("/").setMethod("POST").setAuthType("AK").setStyle("RPC")
                .setReqBodyType("json").setBodyType("json");
    }

    private static RuntimeOptions noRetries() {
        return new RuntimeOptions().setAutoretry(false);
    }
}
