package dev.taskruns.connector.alibaba;

import java.util.LinkedHashMap;
import java.util.Map;

/** The V3 signing example Alibaba publishes (RunInstances on ECS), with its expected results. */
final class PublishedVector {

    static final AcsSigner.AccessKey KEY = new AcsSigner.AccessKey("YourAccessKeyId", "YourAccessKeySecret");
    static final String CANONICAL_REQUEST_SHA256 = "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259";
    static final String SIGNATURE = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    private PublishedVector() {
    }

    /** Given unsorted, as a caller might: sorting is the signer's job. */
    static Map<String, String> query() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("RegionId", "cn-shanghai");
        query.put("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");
        return query;
    }

    static Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", "ecs.cn-shanghai.aliyuncs.com");
        headers.put("x-acs-action", "RunInstances");
        headers.put("x-acs-version", "2014-05-26");
        headers.put("x-acs-date", "2023-10-26T10:22:32Z");
        headers.put("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d");
        headers.put("x-acs-content-sha256", AcsSigner.EMPTY_BODY_SHA256);
        return headers;
    }
}
