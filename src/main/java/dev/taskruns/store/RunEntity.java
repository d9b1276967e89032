package dev.taskruns.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/**
 * One vendor run in unified form, with the vendor's raw record. Written only through
 * {@link RunStore#write} (bulk upsert); read by the facade queries in {@link RunQueries}.
 */
@Entity
@Table(name = "run")
public class RunEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "source_id", nullable = false)
    public String sourceId;

    @Column(name = "run_id", nullable = false)
    public String runId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "task_id", nullable = false)
    public String taskId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunStatus status;

    @Column(name = "vendor_status", nullable = false)
    public String vendorStatus;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    @JdbcTypeCode(SqlTypes.JSON)
    public String error;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String raw;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static RunEntity findByNaturalKey(String sourceId, String runId) {
        return find("sourceId = ?1 and runId = ?2", sourceId, runId).firstResult();
    }
}
