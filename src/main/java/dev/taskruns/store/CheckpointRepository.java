package dev.taskruns.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-source sync checkpoints, one JSON value per scope. */
@ApplicationScoped
public class CheckpointRepository implements PanacheRepositoryBase<SyncCheckpointEntity, SyncCheckpointEntity.Key> {

    private static final String UPSERT = """
            INSERT INTO sync_checkpoint (source_id, updated_at, scope, value)
            SELECT ?, ?, c.scope, c.value::jsonb FROM unnest(?::text[], ?::text[]) AS c(scope, value)
            ON CONFLICT (source_id, scope) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """;
    private static final String DELETE = "DELETE FROM sync_checkpoint WHERE source_id = ? AND scope = ANY (?::text[])";

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

    /**
     * Saves in the caller's transaction; a JSON null removes the scope. One statement for all the
     * scopes a batch advances (ESET: one or two per task in it) rather than an entity look-up and
     * insert per scope, which took a round trip each.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void save(String sourceId, Map<String, JsonNode> checkpoints, Instant now) {
        List<String> saved = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        new TreeMap<>(checkpoints).forEach((scope, value) -> {
            if (value == null || value.isNull()) {
                removed.add(scope);
            } else {
                saved.add(scope);
                values.add(value.toString());
            }
        });
        getEntityManager().unwrap(Session.class).doWork(c -> {
            if (!saved.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                    ps.setString(1, sourceId);
                    ps.setObject(2, now.atOffset(ZoneOffset.UTC));
                    ps.setArray(3, c.createArrayOf("text", saved.toArray()));
                    ps.setArray(4, c.createArrayOf("text", values.toArray()));
                    ps.executeUpdate();
                }
            }
            if (!removed.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                    ps.setString(1, sourceId);
                    ps.setArray(2, c.createArrayOf("text", removed.toArray()));
                    ps.executeUpdate();
                }
            }
        });
    }
}
