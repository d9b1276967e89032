package dev.taskruns.connector.alibaba;

import dev.taskruns.config.Vendor;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.config.SourceDefinition;
import dev.taskruns.connector.ConnectorRuntime;
import dev.taskruns.connector.VendorTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
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
    private final ObjectMapper json;
    private final ConcurrentMap<String, AlibabaClient> bySource = new ConcurrentHashMap<>();

    @Inject
    public AlibabaClients(AlibabaSettings settings, AlibabaSourceRules sources, Clock clock, MeterRegistry registry,
                          ObjectMapper json) {
        this(settings, sources, ConnectorRuntime.system(clock, registry), json);
    }

    AlibabaClients(AlibabaSettings settings, AlibabaSourceRules sources, ConnectorRuntime runtime, ObjectMapper json) {
        this.settings = settings;
        this.sources = sources;
        this.runtime = runtime;
        this.json = json;
    }

    ProcessTasks forSource(SourceDefinition source) {
        return bySource.computeIfAbsent(source.id(), this::create);
    }

    /** RPC calls go to {@code /}: a bare {@code https://host} base would make the request line's path empty. */
    static URI withPath(URI endpoint) {
        return endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? endpoint.resolve("/") : endpoint;
    }

    private AlibabaClient create(String id) {
        AlibabaSourcesConfig.Alibaba alibaba = sources.of(id);
        AlibabaApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(withPath(alibaba.endpoint()))
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // statuses and error codes drive retries in AlibabaClient; no exception mapping
                .disableDefaultMapper(true)
                .build(AlibabaApi.class);
        // validated at start-up: both halves of the AccessKey are there
        AcsSigner.AccessKey key = new AcsSigner.AccessKey(alibaba.accessKeyId().orElseThrow(), alibaba.accessKeySecret().orElseThrow());
        return new AlibabaClient(api, alibaba.endpoint(), key, alibaba.securityToken().filter(t -> !t.isBlank()).orElse(null),
                // x-acs-date is checked against the vendor's real clock, within 15 minutes: always the wall clock
                new VendorTransport(Vendor.ALIBABA, "Alibaba", id, settings, runtime), Clock.systemUTC(), json);
    }
}
