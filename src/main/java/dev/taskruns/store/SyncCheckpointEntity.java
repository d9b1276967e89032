package dev.taskruns.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.io.Serializable;
import java.time.Instant;

/** Where a source's incremental sync stands for one scope (a task, a time window, ...), as JSON. */
@Entity
@Table(name = "sync_checkpoint")
@IdClass(SyncCheckpointEntity.Key.class)
public class SyncCheckpointEntity extends PanacheEntityBase {

    @Id
    @Column(name = "source_id")
    public String sourceId;

    @Id
    public String scope;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String value;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public record Key(String sourceId, String scope) implements Serializable {
    }
}
