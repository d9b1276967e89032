package dev.taskruns.connector.alibaba;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AcsSignerTest {

    private static final AcsSigner.AccessKey KEY = new AcsSigner.AccessKey("YourAccessKeyId", "YourAccessKeySecret");

    /** The vector Alibaba publishes for V3 signing (RunInstances on ECS). */
    @Test
    void reproducesThePublishedVector() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("RegionId", "cn-shanghai");
        query.put("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", "ecs.cn-shanghai.aliyuncs.com");
        headers.put("x-acs-action", "RunInstances");
        headers.put("x-acs-version", "2014-05-26");
        headers.put("x-acs-date", "2023-10-26T10:22:32Z");
        headers.put("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d");
        headers.put("x-acs-content-sha256", AcsSigner.EMPTY_BODY_SHA256);

        String canonical = AcsSigner.canonicalRequest("POST", "/", query, AcsSigner.signedHeaders(headers),
                AcsSigner.EMPTY_BODY_SHA256);

        assertThat(AcsSigner.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
        assertThat(AcsSigner.authorization(KEY, "POST", "/", query, headers, AcsSigner.EMPTY_BODY_SHA256))
                .isEqualTo("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
                        + "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                        + "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
    }

    @Test
    void theEmptyBodyConstantIsItsHash() {
        assertThat(AcsSigner.EMPTY_BODY_SHA256).isEqualTo(AcsSigner.sha256Hex(new byte[0]));
    }

    @Test
    void theSecretNeverShowsInTheKeysText() {
        assertThat(KEY.toString()).contains("YourAccessKeyId").doesNotContain("YourAccessKeySecret");
    }
}
