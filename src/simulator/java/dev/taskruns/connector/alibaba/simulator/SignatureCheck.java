package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.connector.alibaba.AcsSigner;
import dev.taskruns.connector.alibaba.AcsSigner.AccessKey;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * V3 ({@code ACS3-HMAC-SHA256}) verification of one request, refusing with the vendor's codes. The
 * canonical request is rebuilt with {@link AcsSigner} from what was received; the path is always
 * {@code /}, the vendor's, whatever prefix the simulator is mounted under.
 */
final class SignatureCheck {

    /** Both the x-acs-date skew allowed and how long a nonce stays used. */
    static final Duration WINDOW = Duration.ofMinutes(15);

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "ACS3-HMAC-SHA256\\s+Credential=([^,\\s]+)\\s*,\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]+)\\s*");
    private static final List<String> REQUIRED = List.of(
            "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withResolverStyle(ResolverStyle.STRICT);

    private SignatureCheck() {
    }

    /**
     * @param secretOf the secret of an AccessKeyId, null if unknown
     * @param realNow  wall time: signatures are about real time, not the simulated clock
     * @return the verified AccessKeyId
     * @throws ApiError the refusal
     */
    static String verify(String method, HttpHeaders headers, Map<String, String> query, byte[] body,
                         Function<String, String> secretOf, Instant realNow) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        Matcher parsed = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (parsed == null || !parsed.matches()) {
            throw new ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards: "
                    + "Authorization must be ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=<hex>.");
        }
        for (String name : REQUIRED) {
            if (isBlank(headers.getHeaderString(name))) {
                throw new ApiError(400, "MissingParameter", name + " is mandatory for this action.");
            }
        }
        List<String> signedNames = Arrays.asList(parsed.group(2).toLowerCase(Locale.ROOT).split(";"));
        if (!signedNames.contains("host")) {
            throw incomplete("host must be signed.");
        }
        for (String name : headers.getRequestHeaders().keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-acs-") && !signedNames.contains(lower)) {
                throw incomplete(lower + " is sent but not signed.");
            }
        }
        Map<String, String> signed = new TreeMap<>();
        for (String name : signedNames) {
            String value = headers.getHeaderString(name);
            if (value == null) {
                throw incomplete(name + " is signed but not sent.");
            }
            signed.put(name, value.trim());
        }
        String keyId = parsed.group(1);
        String secret = secretOf.apply(keyId);
        if (secret == null) {
            throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        }
        String contentSha256 = signed.get("x-acs-content-sha256");
        if (!contentSha256.equals(AcsSigner.sha256Hex(body))) {
            throw new ApiError(400, "ContentSHA256NotMatched",
                    "x-acs-content-sha256 is not the hex SHA-256 of the request body.");
        }
        Instant date;
        try {
            date = LocalDateTime.parse(signed.get("x-acs-date"), DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "InvalidTimeStamp.Format",
                    "Specified time stamp or date value is not well formatted (yyyy-MM-ddTHH:mm:ssZ, UTC).");
        }
        if (Duration.between(date, realNow).abs().compareTo(WINDOW) > 0) {
            throw new ApiError(400, "InvalidTimeStamp.Expired",
                    "Specified time stamp or date value is expired (more than 15 minutes from the server time).");
        }
        String canonical = AcsSigner.canonicalRequest(method, "/", query, signed, contentSha256);
        String expected = AcsSigner.signature(canonical, new AccessKey(keyId, secret));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parsed.group(3).getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiError(400, "SignatureDoesNotMatch", "Specified signature does not match our calculation. "
                    + "server string to sign is:" + AcsSigner.stringToSign(canonical));
        }
        return keyId;
    }

    private static ApiError incomplete(String why) {
        return new ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards: " + why);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
