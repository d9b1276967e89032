package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.connector.VendorTransport;
import dev.taskruns.connector.VendorTransport.Fail;
import dev.taskruns.connector.VendorTransport.Retry;
import dev.taskruns.connector.VendorTransport.Verdict;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.security.SecureRandom;

/**
 * Alibaba Cloud Threat Analysis and Response client of one source: every attempt is signed afresh
 * (V3, new nonce and date, so a retry is never refused as a replay) and sent through the shared
 * {@link VendorTransport} (request budget, retries, metrics). Create it with {@link AlibabaClients}.
 */
final class AlibabaClient implements ProcessTasks {

    static final String ACTION = "DescribeProcessTasks";
    static final String VERSION = "2022-07-28";
    /** Alibaba throttles with these codes, usually on HTTP 400: a client watching only for 429 misses them. */
    private static final Set<String> THROTTLING = Set.of("Throttling", "Throttling.User", "Throttling.Api");
    private static final DateTimeFormatter ACS_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_MESSAGE = 300;

    private final AlibabaApi api;
    private final String host;
    private final AcsSigner.AccessKey key;
    private final String securityToken;
    private final VendorTransport transport;
    private final Clock clock;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    AlibabaClient(AlibabaApi api, URI endpoint, AcsSigner.AccessKey key, String securityToken,
                  VendorTransport transport, Clock clock, ObjectMapper json) {
        this.api = api;
        this.host = hostHeader(endpoint);
        this.key = key;
        this.securityToken = securityToken;
        this.transport = transport;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public Page describe(Map<String, String> parameters) {
        return transport.call(ACTION, new Exchange(Map.copyOf(parameters)));
    }

    /** The Host header the HTTP client sends, which is signed: the port only when it is not the scheme's default. */
    static String hostHeader(URI endpoint) {
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || (port == 443 && "https".equals(endpoint.getScheme()))
                || (port == 80 && "http".equals(endpoint.getScheme()));
        return defaultPort ? endpoint.getHost() : endpoint.getHost() + ":" + port;
    }

    private final class Exchange implements VendorTransport.Exchange<Page> {
        private final Map<String, String> parameters;

        Exchange(Map<String, String> parameters) {
            this.parameters = parameters;
        }

        @Override
        public Response send() {
            String date = ACS_DATE.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            String nonceHex = HexFormat.of().formatHex(nonce);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("host", host);
            headers.put("x-acs-action", ACTION);
            headers.put("x-acs-version", VERSION);
            headers.put("x-acs-date", date);
            headers.put("x-acs-signature-nonce", nonceHex);
            headers.put("x-acs-content-sha256", AcsSigner.EMPTY_BODY_SHA256);
            if (securityToken != null) {
                headers.put("x-acs-security-token", securityToken);
            }
            String authorization = AcsSigner.authorization(key, "POST", "/", parameters, headers, AcsSigner.EMPTY_BODY_SHA256);
            Map<String, String> encoded = new LinkedHashMap<>();
            parameters.forEach((name, value) -> encoded.put(AcsSigner.percentEncode(name), AcsSigner.percentEncode(value)));
            return api.call(authorization, ACTION, VERSION, date, nonceHex, AcsSigner.EMPTY_BODY_SHA256, securityToken, encoded);
        }

        @Override
        public Verdict<Page> judge(Response response) {
            int status = response.getStatus();
            String requestId = response.getHeaderString("x-acs-request-id");
            // read as text whatever the Content-Type: error bodies are JSON even when not labelled so
            JsonNode body;
            try {
                body = response.hasEntity() ? json.readTree(response.readEntity(String.class)) : null;
            } catch (IOException | RuntimeException unreadable) {
                body = null;
            }
            if (body != null && body.hasNonNull("RequestId")) {
                requestId = body.get("RequestId").asText();
            }
            String code = body == null ? null : text(body, "Code");
            if (status >= 200 && status < 300 && code == null) {
                return page(body, status, requestId);
            }
            if (status == 429 || (code != null && THROTTLING.contains(code))) {
                return new Retry<>("throttled", status, describe(status, code, null),
                        VendorTransport.retryAfterHeader(response), requestId);
            }
            String what = describe(status, code, body == null ? null : text(body, "Message"));
            if (status >= 500) {
                return new Retry<>(status == 504 ? "timeout" : "server_error", status, what, null, requestId);
            }
            return new Fail<>(status == 401 || status == 403 || (code != null && code.startsWith("Signature"))
                    || (code != null && code.startsWith("InvalidAccessKeyId")) ? "unauthorized" : "client_error",
                    status, what, requestId);
        }

        /**
         * A page is only what says how many tasks there are in all: paging ends by that count, so an
         * answer without it (or with tasks but no ProcessTasks array) must not pass for a last page.
         */
        private Verdict<Page> page(JsonNode body, int status, String requestId) {
            if (body == null || !body.isObject()) {
                return new Fail<>("unreadable", status, "unreadable answer (not a JSON object)", requestId);
            }
            JsonNode total = body.path("Page").path("TotalCount");
            JsonNode tasks = body.path("ProcessTasks");
            // a negative count would end a window before its tasks were read
            if (!total.isIntegralNumber() || !total.canConvertToInt() || total.intValue() < 0) {
                return new Fail<>("unreadable", status, "unreadable answer (no Page.TotalCount)", requestId);
            }
            if (!tasks.isArray() && !(tasks.isMissingNode() && total.asInt() == 0)) {
                return new Fail<>("unreadable", status, "unreadable answer (no ProcessTasks array)", requestId);
            }
            List<JsonNode> list = new ArrayList<>();
            tasks.forEach(list::add);
            return new VendorTransport.Done<>(new Page(list, total.asInt()));
        }
    }

    /** "HTTP 400 Throttling.User: message", the message shortened: it is the vendor's text, shown as the source's last error. */
    private static String describe(int status, String code, String message) {
        String what = "HTTP " + status + (code == null ? "" : " " + code);
        if (message == null || message.isBlank()) {
            return what;
        }
        return what + ": " + (message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}
