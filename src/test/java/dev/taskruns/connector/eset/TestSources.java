package dev.taskruns.connector.eset;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.TaskrunsConfig;
import dev.taskruns.config.Vendor;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** ESET source definitions as the validated configuration would produce them. */
final class TestSources {

    private TestSources() {
    }

    static SourceDefinition eset(String id, String baseUrl, String username, String password) {
        TaskrunsConfig.EsetConfig eset = new TaskrunsConfig.EsetConfig() {
            @Override
            public Optional<String> region() {
                return Optional.empty();
            }

            @Override
            public Optional<URI> automationUrl() {
                return Optional.of(URI.create(baseUrl));
            }

            @Override
            public Optional<URI> tokenUrl() {
                return Optional.of(URI.create(baseUrl + "/oauth/token"));
            }

            @Override
            public Optional<URI> deviceManagementUrl() {
                return Optional.of(URI.create(baseUrl));
            }

            @Override
            public Optional<String> username() {
                return Optional.of(username);
            }

            @Override
            public Optional<String> password() {
                return Optional.of(password);
            }
        };
        TaskrunsConfig.SourceConfig config = new TaskrunsConfig.SourceConfig() {
            @Override
            public Optional<String> vendor() {
                return Optional.of("eset");
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofSeconds(60);
            }

            @Override
            public TaskrunsConfig.EsetConfig eset() {
                return eset;
            }

            @Override
            public TaskrunsConfig.AlibabaConfig alibaba() {
                throw new UnsupportedOperationException("not an Alibaba source");
            }
        };
        return new SourceDefinition(id, Vendor.ESET, true, Duration.ofSeconds(60), config);
    }
}
