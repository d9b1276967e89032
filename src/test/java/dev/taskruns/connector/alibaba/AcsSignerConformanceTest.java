package dev.taskruns.connector.alibaba;

import com.aliyun.tea.TeaRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our signer against Alibaba's own ({@code com.aliyun:openapiutil}, what the official SDKs call), byte
 * for byte, over requests generated from a fixed seed: a failure is reproducible from its index.
 */
class AcsSignerConformanceTest {

    private static final long SEED = 0x5EED_AC53L;
    private static final int REQUESTS = 1500;

    /** Single characters (code points, so every string stays valid UTF-16) that encoders get wrong. */
    private static final List<String> TRICKY = Stream.of(
                    "!*'();:@&=+$,/?#[]".codePoints(), // every RFC 3986 reserved character
                    " ~-_.%\"<>\\^`{|}\t".codePoints(),
                    "中文測試日本語한국어éüßñ€£©".codePoints(),
                    Stream.of(0x1F600, 0x1F680, 0x1F9D1, 0x1F44D, 0x10348).mapToInt(Integer::intValue))
            .flatMapToInt(s -> s)
            .mapToObj(Character::toString)
            .toList();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final List<String> PARAMETERS = List.of("PageNumber", "PageSize", "TaskStatus", "Source",
            "ProcessActionStart", "ProcessActionEnd", "EntityName", "ParamContent", "Direction", "RegionId");
    private static final List<String> PADDING = List.of("", "", " ", "  ", "\t", " \t ");

    private final Random random = new Random(SEED);

    @Test
    void agreesWithTheOfficialSignerOnEveryGeneratedRequest() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            Request r = request();
            String context = "request #" + i + " (seed " + SEED + "): " + r.describe();

            assertThat(AcsSigner.canonicalQuery(r.query)).as(context).isEqualTo(Official.canonicalQuery(r.query));
            assertThat(String.join(";", AcsSigner.signedHeaders(r.headers).keySet())).as(context)
                    .isEqualTo(Official.signedHeaders(r.headers));
            String ours = AcsSigner.authorization(r.key, r.method, r.path, r.query, r.headers, r.bodySha256);
            assertThat(ours).as(context).isEqualTo(Official.authorization(r));
            assertThat(ours).as(context).doesNotContain(r.key.secret());
        }
    }

    @Test
    void encodesEveryGeneratedStringAsTheOfficialEncoderDoes() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            String value = text(0, 24);
            assertThat(AcsSigner.percentEncode(value)).as("string #%d %s", i, value)
                    .isEqualTo(com.aliyun.openapiutil.Client.percentEncode(value));
        }
    }

    /** The harness itself: fed the published vector, the official signer must give the published signature. */
    @Test
    void theOfficialSignerReproducesThePublishedVectorThroughThisHarness() throws Exception {
        Map<String, String> query = PublishedVector.query();
        Map<String, String> headers = PublishedVector.headers();
        Request vector = new Request(PublishedVector.KEY, "POST", "/", query, headers, AcsSigner.EMPTY_BODY_SHA256);

        assertThat(Official.authorization(vector))
                .endsWith(",Signature=" + PublishedVector.SIGNATURE)
                .isEqualTo(AcsSigner.authorization(vector.key, "POST", "/", query, headers, AcsSigner.EMPTY_BODY_SHA256));
    }

    private Request request() {
        Map<String, String> query = new LinkedHashMap<>();
        for (int n = random.nextInt(9); n > 0; n--) {
            query.put(queryKey(), queryValue());
        }
        String bodySha256 = random.nextBoolean() ? AcsSigner.EMPTY_BODY_SHA256 : randomBodyHash();
        Map<String, String> headers = new LinkedHashMap<>();
        header(headers, "host", pick("sophonsoar.aliyuncs.com", "sophonsoar.ap-southeast-1.aliyuncs.com", "localhost:8089"));
        header(headers, "x-acs-action", pick("DescribeProcessTasks", "RunInstances"));
        header(headers, "x-acs-version", pick("2022-07-28", "2014-05-26"));
        header(headers, "x-acs-date", "20%02d-%02d-%02dT%02d:%02d:%02dZ".formatted(random.nextInt(100),
                1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60)));
        header(headers, "x-acs-signature-nonce", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        header(headers, "x-acs-content-sha256", bodySha256);
        if (random.nextBoolean()) {
            header(headers, "content-type", pick("application/json", "application/x-www-form-urlencoded; charset=UTF-8"));
        }
        if (random.nextBoolean()) { // not signed
            header(headers, "user-agent", "AlibabaCloud (Linux) Java/21 " + text(0, 8));
            header(headers, "accept", "application/json");
        }
        if (random.nextInt(4) == 0) {
            header(headers, "x-acs-" + pick("security-token", "accesskey-id", "custom-" + word(1, 6)), text(0, 16));
        }
        String secret = random.ints(20 + random.nextInt(20), 0x21, 0x7F) // printable ASCII, as real secrets
                .mapToObj(Character::toString).reduce("", String::concat);
        return new Request(new AcsSigner.AccessKey("LTAI" + word(12, 20), secret),
                pick("POST", "GET", "PUT", "DELETE", "post", "Get"), pick("/", "/", "/", "", " ", null, "/v1/tasks"),
                query, headers, bodySha256);
    }

    private String queryKey() {
        return random.nextInt(10) < 6 ? pick(PARAMETERS) : text(1, 10);
    }

    private String queryValue() {
        return switch (random.nextInt(7)) {
            case 0 -> "";
            case 1 -> jsonArray();
            case 2 -> Long.toString(1_600_000_000_000L + random.nextLong(200_000_000_000L));
            case 3 -> word(1, 12);
            default -> text(1, 20);
        };
    }

    private String jsonArray() {
        List<String> items = new ArrayList<>();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            items.add('"' + (random.nextBoolean() ? pick("11", "21", "90", "system", "WAF") : text(0, 6)) + '"');
        }
        return "[" + String.join(",", items) + "]";
    }

    /** A header under a randomly cased name, its value with random surrounding whitespace. */
    private void header(Map<String, String> headers, String name, String value) {
        StringBuilder cased = new StringBuilder();
        name.chars().forEach(c -> cased.append((char) (random.nextInt(3) == 0 ? Character.toUpperCase(c) : c)));
        headers.put(cased.toString(), pick(PADDING) + value + pick(PADDING));
    }

    private String text(int min, int max) {
        StringBuilder out = new StringBuilder();
        for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
            out.append(random.nextInt(3) == 0 ? TRICKY.get(random.nextInt(TRICKY.size()))
                    : ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        return out.toString();
    }

    private String word(int min, int max) {
        return random.ints(min + random.nextInt(max - min + 1), 0, ALNUM.length())
                .mapToObj(i -> String.valueOf(ALNUM.charAt(i))).reduce("", String::concat);
    }

    private String randomBodyHash() {
        byte[] body = new byte[random.nextInt(200)];
        random.nextBytes(body);
        return AcsSigner.sha256Hex(body);
    }

    private String pick(String... choices) {
        return pick(Arrays.asList(choices)); // may hold null
    }

    private String pick(List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private record Request(AcsSigner.AccessKey key, String method, String path, Map<String, String> query,
                           Map<String, String> headers, String bodySha256) {
        String describe() { // everything but the secret
            return String.format(Locale.ROOT, "%s %s query=%s headers=%s body=%s", method, path, query, headers, bodySha256);
        }
    }

    /** Opens the official signer's protected steps, to tell which one disagrees. */
    private static final class Official extends com.aliyun.openapiutil.Client {

        static String authorization(Request r) throws Exception {
            TeaRequest request = TeaRequest.create();
            request.method = r.method;
            request.pathname = r.path;
            request.query = r.query;
            request.headers = r.headers;
            // payload is the body's hex hash, as the SDK passes it (also its x-acs-content-sha256)
            return getAuthorization(request, AcsSigner.ALGORITHM, r.bodySha256, r.key.id(), r.key.secret());
        }

        static String canonicalQuery(Map<String, String> query) throws Exception {
            return getCanonicalizedResource(query);
        }

        static String signedHeaders(Map<String, String> headers) {
            return getCanonicalizedHeadersMap(headers).get("signedHeaders");
        }
    }
}
