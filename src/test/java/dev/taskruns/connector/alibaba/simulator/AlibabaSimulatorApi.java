package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.support.SimulatorAdmin;
import dev.taskruns.connector.alibaba.AcsSigner;
import dev.taskruns.connector.alibaba.AcsSigner.AccessKey;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Drives the Alibaba simulator the way a client (signing with AcsSigner) and a test harness do. */
final class AlibabaSimulatorApi {

    static final String BASE = "/simulator/alibaba";
    static final SimulatorAdmin ADMIN = new SimulatorAdmin(BASE);
    static final AccessKey KEY = new AccessKey("demo-access-key-id", "demo-access-key-secret");

    private AlibabaSimulatorApi() {
    }

    /** Fresh data and state, and no rate limit unless a test switches it back on. */
    static void resetWithoutRateLimit() {
        ADMIN.resetWithoutRateLimit();
    }

    static void faults(String json) {
        ADMIN.faults(json);
    }

    static void advance(long seconds) {
        ADMIN.advance(seconds);
    }

    static JsonPath groundTruth() {
        return ADMIN.groundTruth();
    }

    static Call call() {
        return new Call();
    }

    static Response describe(Map<String, ?> query) {
        Call call = call();
        query.forEach((name, value) -> call.param(name, value));
        return call.send();
    }

    /** Every page at {@code pageSize}; asserts each page answers 200. */
    static List<Map<String, Object>> walk(Map<String, ?> query, int pageSize) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            Map<String, Object> paged = new LinkedHashMap<>(query);
            paged.put("PageNumber", page);
            paged.put("PageSize", pageSize);
            Response answer = describe(paged);
            assertThat(answer.statusCode()).as(answer.body().asString()).isEqualTo(200);
            List<Map<String, Object>> items = answer.jsonPath().getList("ProcessTasks");
            all.addAll(items);
            if (items.size() < pageSize) {
                return all;
            }
        }
    }

    /** A DescribeProcessTasks call signed as the vendor's SDK signs it; each part can be spoiled. */
    static final class Call {
        final Map<String, String> query = new LinkedHashMap<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        final Map<String, String> unsignedHeaders = new LinkedHashMap<>();
        AccessKey key = KEY;
        boolean signHost = true;
        String signature;
        String method = "POST";

        Call() {
            headers.put("x-acs-action", "DescribeProcessTasks");
            headers.put("x-acs-version", "2022-07-28");
            date(Instant.now());
            headers.put("x-acs-signature-nonce", UUID.randomUUID().toString());
            headers.put("x-acs-content-sha256", AcsSigner.EMPTY_BODY_SHA256);
        }

        Call param(String name, Object value) {
            query.put(name, String.valueOf(value));
            return this;
        }

        Call header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        Call date(Instant date) {
            return header("x-acs-date", date.truncatedTo(ChronoUnit.SECONDS).toString());
        }

        Call nonce(String nonce) {
            return header("x-acs-signature-nonce", nonce);
        }

        Response send() {
            Map<String, String> signed = new LinkedHashMap<>(headers);
            if (signHost) {
                signed.put("host", "localhost:" + RestAssured.port);
            }
            String authorization = AcsSigner.authorization(key, method, "/", query, signed, AcsSigner.EMPTY_BODY_SHA256);
            if (signature != null) {
                authorization = authorization.substring(0, authorization.indexOf("Signature=") + 10) + signature;
            }
            RequestSpecification request = given().header("Authorization", authorization);
            headers.forEach(request::header);
            unsignedHeaders.forEach(request::header);
            query.forEach(request::queryParam);
            return method.equals("GET") ? request.get(BASE + "/") : request.post(BASE + "/");
        }
    }
}
