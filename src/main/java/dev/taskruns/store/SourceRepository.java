package dev.taskruns.store;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Sources;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

/**
 * Source rows mirror the configuration: registered at start-up so runs can reference them.
 * A source removed from the configuration keeps its row and its runs (history is never dropped).
 */
@ApplicationScoped
public class SourceRepository implements PanacheRepositoryBase<SourceEntity, String> {

    @Transactional
    void register(@Observes StartupEvent start, Sources sources) {
        sources.all().forEach(this::register);
    }

    @Transactional
    public SourceEntity register(SourceDefinition definition) {
        SourceEntity entity = findById(definition.id());
        if (entity == null) {
            entity = new SourceEntity();
            entity.id = definition.id();
            entity.vendor = definition.vendor();
            entity.enabled = definition.enabled();
            persist(entity);
        } else {
            entity.vendor = definition.vendor();
            entity.enabled = definition.enabled();
        }
        return entity;
    }
}
