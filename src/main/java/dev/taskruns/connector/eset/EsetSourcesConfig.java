package dev.taskruns.connector.eset;

import io.smallrye.config.ConfigMapping;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The ESET keys of each source, {@code taskruns.sources.<id>.eset.*}, beside the vendor-neutral
 * keys of the same sources (mapped by {@code TaskrunsConfig}). Optional here, checked by
 * {@link EsetSourceRules} so that every missing key is named at once.
 */
@ConfigMapping(prefix = "taskruns")
public interface EsetSourcesConfig {

    /** Sources that have any ESET key, by id. */
    Map<String, Source> sources();

    interface Source {
        Eset eset();
    }

    interface Eset {
        /** eu|de|us|jpn|ca: derives the automation, token and device-management URLs. */
        Optional<String> region();

        Optional<URI> automationUrl();

        /** Full URL of the {@code /oauth/token} endpoint. */
        Optional<URI> tokenUrl();

        /** Device-management API, used best effort for device display names. */
        Optional<URI> deviceManagementUrl();

        Optional<String> username();

        Optional<String> password();
    }
}
