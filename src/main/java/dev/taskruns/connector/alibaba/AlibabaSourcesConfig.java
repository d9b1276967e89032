package dev.taskruns.connector.alibaba;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The Alibaba keys of each source, {@code taskruns.sources.<id>.alibaba.*}, beside the vendor-neutral
 * keys of the same sources. Optional here, checked by {@link AlibabaSourceRules} so that every
 * missing key is named at once.
 */
@ConfigMapping(prefix = "taskruns")
public interface AlibabaSourcesConfig {

    /** Sources that have any Alibaba key, by id. */
    Map<String, Source> sources();

    interface Source {
        Alibaba alibaba();
    }

    interface Alibaba {
        /** Threat Analysis and Response endpoint, e.g. {@code https://sophonsoar.ap-southeast-1.aliyuncs.com}. */
        @WithDefault("https://sophonsoar.aliyuncs.com")
        URI endpoint();

        Optional<String> accessKeyId();

        Optional<String> accessKeySecret();

        /** STS credentials: the temporary key pair comes with this token, sent (and signed) as {@code x-acs-security-token}. */
        Optional<String> securityToken();
    }
}
