package dev.taskruns.connector.alibaba;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AcsSignerTest {

    /** The vector Alibaba publishes for V3 signing (RunInstances on ECS). */
    @Test
    void reproducesThePublishedVector() {
        Map<String, String> query = PublishedVector.query();
        Map<String, String> headers = PublishedVector.headers();

        String canonical = AcsSigner.canonicalRequest("POST", "/", query, AcsSigner.signedHeaders(headers),
                AcsSigner.EMPTY_BODY_SHA256);

        assertThat(AcsSigner.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(PublishedVector.CANONICAL_REQUEST_SHA256);
        assertThat(AcsSigner.authorization(PublishedVector.KEY, "POST", "/", query, headers, AcsSigner.EMPTY_BODY_SHA256))
                .isEqualTo("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
                        + "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                        + "Signature=" + PublishedVector.SIGNATURE);
    }

    /** Both as the official signer does (AcsSignerConformanceTest): the server signs what it received. */
    @Test
    void signsTheMethodAsGivenAndABlankPathAsTheRoot() {
        assertThat(AcsSigner.canonicalRequest("post", " ", Map.of(), Map.of(), AcsSigner.EMPTY_BODY_SHA256))
                .startsWith("post\n/\n");
    }

    /** Only these see the key; the secret must not leak raw, hex- or percent-encoded (e.g. into a log line). */
    @Test
    void theSecretNeverShowsInAnythingTheSignerReturns() {
        String secret = "Zq8+Never/Shown=Secret";
        AcsSigner.AccessKey key = new AcsSigner.AccessKey("LTAI5tKeyId", secret);
        Map<String, String> headers = Map.of("host", "sophonsoar.aliyuncs.com", "x-acs-action", "DescribeProcessTasks");
        String canonical = AcsSigner.canonicalRequest("POST", "/", Map.of(), AcsSigner.signedHeaders(headers),
                AcsSigner.EMPTY_BODY_SHA256);
        List<String> forms = List.of(secret, AcsSigner.percentEncode(secret),
                HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));

        assertThat(List.of(
                AcsSigner.authorization(key, "POST", "/", Map.of(), headers, AcsSigner.EMPTY_BODY_SHA256),
                AcsSigner.signature(canonical, key),
                key.toString()))
                .allSatisfy(text -> assertThat(forms).noneMatch(text::contains));
        assertThat(key).hasToString("AccessKey[id=LTAI5tKeyId, secret=***]");
        assertThat(AcsSigner.signature(canonical, key)).as("the secret is used, not ignored")
                .isNotEqualTo(AcsSigner.signature(canonical, new AcsSigner.AccessKey("LTAI5tKeyId", secret + "x")));
    }

    @Test
    void theEmptyBodyConstantIsItsHash() {
        assertThat(AcsSigner.EMPTY_BODY_SHA256).isEqualTo(AcsSigner.sha256Hex(new byte[0]));
    }
}
