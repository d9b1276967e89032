package dev.taskruns.connector.alibaba;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.connector.ConnectorRuntime;
import dev.taskruns.connector.VendorTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@link AlibabaClient} per Alibaba source, built on first use and kept (its request budget
 * must outlive a sync cycle). Built programmatically: every source has its own endpoint.
 */
@ApplicationScoped
public class AlibabaClients {

    private final AlibabaSettings settings;
    private final AlibabaSourceRules sources;
    private final ConnectorRuntime runtime;
    private final ConcurrentMap<String, AlibabaClient> bySource = new ConcurrentHashMap<>();

    @Inject
    public AlibabaClients(AlibabaSettings settings, AlibabaSourceRules sources, Clock clock, MeterRegistry registry) {
        this(settings, sources, ConnectorRuntime.system(clock, registry));
    }

    AlibabaClients(AlibabaSettings settings, AlibabaSourceRules sources, ConnectorRuntime runtime) {
        this.settings = settings;
        this.sources = sources;
        this.runtime = runtime;
    }

    ProcessTasks forSource(SourceDefinition source) {
        return bySource.computeIfAbsent(source.id(), this::create);
    }

    private AlibabaClient create(String id) {
        AlibabaSourcesConfig.Alibaba alibaba = sources.of(id);
        AlibabaApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(alibaba.endpoint())
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // statuses and error codes drive retries in AlibabaClient; no exception mapping
                .disableDefaultMapper(true)
                .build(AlibabaApi.class);
        // validated at start-up: both halves of the AccessKey are there
        AcsSigner.AccessKey key = new AcsSigner.AccessKey(alibaba.accessKeyId().orElseThrow(), alibaba.accessKeySecret().orElseThrow());
        return new AlibabaClient(api, alibaba.endpoint(), key, alibaba.securityToken().filter(t -> !t.isBlank()).orElse(null),
                // x-acs-date is checked against the vendor's real clock, within 15 minutes: always the wall clock
                new VendorTransport("Alibaba", id, settings, runtime), Clock.systemUTC());
    }
}
