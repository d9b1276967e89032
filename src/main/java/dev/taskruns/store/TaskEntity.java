package dev.taskruns.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;

/** A vendor task (ESET device task, Alibaba scene), known by its source and vendor id. */
@Entity
@Table(name = "task")
@IdClass(TaskEntity.Key.class)
public class TaskEntity extends PanacheEntityBase {

    @Id
    @Column(name = "source_id")
    public String sourceId;

    @Id
    @Column(name = "task_id")
    public String taskId;

    @Column(name = "task_name")
    public String taskName;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public record Key(String sourceId, String taskId) implements Serializable {
    }
}
