package dev.taskruns.connector.alibaba;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Alibaba Cloud request signing, V3 ({@code ACS3-HMAC-SHA256}), used by the client to sign and by the
 * simulator to verify. Written here rather than taken from the official SDK: {@code tea-openapi} and
 * its credential and XML stack are large and reflective (not native-friendly), for ~100 lines of
 * hashing. Tests compare it byte for byte with the official {@code com.aliyun:openapiutil} signer.
 *
 * <p>canonical request = METHOD \n path \n canonical query \n canonical headers \n signed headers \n
 * hex SHA-256 of the body; string to sign = {@code ACS3-HMAC-SHA256} \n hex SHA-256 of it;
 * signature = lower-case hex HMAC-SHA256 keyed with the secret.
 */
public final class AcsSigner {

    public static final String ALGORITHM = "ACS3-HMAC-SHA256";
    /** Hex SHA-256 of an empty body: every {@code DescribeProcessTasks} call has one. */
    public static final String EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final HexFormat HEX = HexFormat.of();

    private AcsSigner() {
    }

    /**
     * The {@code Authorization} header value.
     *
     * @param query   decoded query parameters (encoded and sorted here)
     * @param headers the request's headers; {@code host}, {@code content-type} and every
     *                {@code x-acs-*} header are signed, whatever their case
     */
    public static String authorization(AccessKey key, String method, String path, Map<String, String> query,
                                       Map<String, String> headers, String bodySha256Hex) {
        Map<String, String> signed = signedHeaders(headers);
        String canonical = canonicalRequest(method, path, query, signed, bodySha256Hex);
        return ALGORITHM + " Credential=" + key.id() + ",SignedHeaders=" + String.join(";", signed.keySet())
                + ",Signature=" + signature(canonical, key);
    }

    /** The headers that are signed, lower-cased, sorted, values trimmed. */
    public static Map<String, String> signedHeaders(Map<String, String> headers) {
        Map<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> {
            // ROOT, unlike the official signer's default locale: under a Turkish one "X-ACS-ACTION" would become "x-acs-actıon"
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("host") || lower.equals("content-type") || lower.startsWith("x-acs-")) {
                signed.put(lower, value == null ? "" : value.trim());
            }
        });
        return signed;
    }

    /** @param signedHeaders as returned by {@link #signedHeaders} */
    public static String canonicalRequest(String method, String path, Map<String, String> query,
                                          Map<String, String> signedHeaders, String bodySha256Hex) {
        String canonicalHeaders = signedHeaders.entrySet().stream()
                .map(h -> h.getKey() + ":" + h.getValue() + "\n")
                .collect(Collectors.joining());
        // method as given, not upper-cased, and a blank path as "/": what the official signer does. The
        // server signs the method it received, so upper-casing "post" here would break a request sent as "post".
        return method + "\n"
                + (path == null || path.trim().isEmpty() ? "/" : path) + "\n"
                + canonicalQuery(query) + "\n"
                + canonicalHeaders + "\n"
                + String.join(";", signedHeaders.keySet()) + "\n"
                + bodySha256Hex;
    }

    /** Sorted by key, each {@code key=value} percent-encoded ({@code key=} for an empty value), joined by {@code &}. */
    public static String canonicalQuery(Map<String, String> query) {
        return new TreeMap<>(query).entrySet().stream()
                .map(p -> percentEncode(p.getKey()) + "=" + percentEncode(p.getValue() == null ? "" : p.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** Lower-case hex HMAC-SHA256 of the string to sign of {@code canonicalRequest}. */
    public static String signature(String canonicalRequest, AccessKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(stringToSign(canonicalRequest).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every JDK has it
        }
    }

    /** {@code ACS3-HMAC-SHA256} \n hex SHA-256 of the canonical request: what the vendor shows when a signature does not match. */
    public static String stringToSign(String canonicalRequest) {
        return ALGORITHM + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * RFC 3986: unreserved characters ({@code A-Z a-z 0-9 - _ . ~}) as they are, every other UTF-8
     * byte as {@code %XX}. The same result as the SDK's URLEncoder with {@code +}→{@code %20},
     * {@code *}→{@code %2A}, {@code %7E}→{@code ~}.
     */
    public static String percentEncode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** An AccessKey pair. {@link #toString()} never shows the secret (records print every field). */
    public record AccessKey(String id, String secret) {
        @Override
        public String toString() {
            return "AccessKey[id=" + id + ", secret=***]";
        }
    }
}
