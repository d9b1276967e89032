package dev.taskruns.connector.eset;

import dev.taskruns.config.Vendor;
import dev.taskruns.config.SourceDefinition;
import dev.taskruns.connector.ConnectorRuntime;
import dev.taskruns.connector.VendorTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@link EsetClient} per ESET source, built on first use and kept (its token and rate limiter
 * must outlive a sync cycle). The JAX-RS interfaces are built programmatically: base URIs differ per
 * source (region-derived or overridden), which {@code @RegisterRestClient} config keys cannot express.
 */
@ApplicationScoped
public class EsetClients {

    private final EsetSettings settings;
    private final EsetSourceRules sources;
    private final ConnectorRuntime runtime;
    private final ConcurrentMap<String, EsetClient> bySource = new ConcurrentHashMap<>();

    @Inject
    public EsetClients(EsetSettings settings, EsetSourceRules sources, Clock clock, MeterRegistry registry) {
        this(settings, sources, ConnectorRuntime.system(clock, registry));
    }

    EsetClients(EsetSettings settings, EsetSourceRules sources, ConnectorRuntime runtime) {
        this.settings = settings;
        this.sources = sources;
        this.runtime = runtime;
    }

    public EsetClient forSource(SourceDefinition source) {
        return bySource.computeIfAbsent(source.id(), this::create);
    }

    private EsetClient create(String id) {
        EsetSourcesConfig.Eset eset = sources.of(id);
        Optional<String> region = eset.region();
        // Sources validated at start-up: a region, or both overrides, and both credentials
        URI automationUrl = eset.automationUrl().orElseGet(() -> EsetRegions.automationUrl(region.orElseThrow()));
        URI tokenUrl = eset.tokenUrl().orElseGet(() -> EsetRegions.tokenUrl(region.orElseThrow()));
        // device names are best effort: without a region or override there are simply none
        Optional<URI> deviceUrl = eset.deviceManagementUrl().or(() -> region.map(EsetRegions::deviceManagementUrl));

        VendorTransport transport = new VendorTransport(Vendor.ESET, "ESET", id, settings, runtime);
        EsetTokens tokens = new EsetTokens(id, build(tokenUrl, EsetTokenApi.class), transport, settings,
                eset.username().orElseThrow(), eset.password().orElseThrow(), runtime);
        return new EsetClient(id, build(automationUrl, EsetAutomationApi.class),
                deviceUrl.map(url -> build(url, EsetDeviceApi.class)).orElse(null),
                tokens, transport, settings);
    }

    private <T> T build(URI baseUri, Class<T> api) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUri)
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // statuses drive the protocol in EsetExchange; no exception mapping
                .disableDefaultMapper(true)
                .build(api);
    }
}
