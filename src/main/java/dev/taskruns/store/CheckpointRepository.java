package dev.taskruns.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-source sync checkpoints, one JSON value per scope. */
@ApplicationScoped
public class CheckpointRepository implements PanacheRepositoryBase<SyncCheckpointEntity, SyncCheckpointEntity.Key> {

    private final ObjectMapper json;

    public CheckpointRepository(ObjectMapper json) {
        this.json = json;
    }

    @Transactional
    public Map<String, JsonNode> load(String sourceId) {
        Map<String, JsonNode> checkpoints = new LinkedHashMap<>();
        for (SyncCheckpointEntity entity : list("sourceId = ?1 order by scope", sourceId)) {
            try {
                checkpoints.put(entity.scope, json.readTree(entity.value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored checkpoint " + sourceId + "/" + entity.scope + " is unreadable", e);
            }
        }
        return checkpoints;
    }

    /** Saves in the caller's transaction; a JSON null removes the scope. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void save(String sourceId, Map<String, JsonNode> checkpoints, Instant now) {
        checkpoints.forEach((scope, value) -> {
            SyncCheckpointEntity entity = findById(new SyncCheckpointEntity.Key(sourceId, scope));
            if (value == null || value.isNull()) {
                if (entity != null) {
                    delete(entity);
                }
                return;
            }
            boolean fresh = entity == null;
            if (fresh) {
                entity = new SyncCheckpointEntity();
                entity.sourceId = sourceId;
                entity.scope = scope;
            }
            entity.value = value.toString();
            entity.updatedAt = now;
            if (fresh) {
                persist(entity);
            }
        });
    }
}
