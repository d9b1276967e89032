package dev.taskruns.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;

/** A device of one source, with its last run kept current by {@link RunStore#write}. */
@Entity
@Table(name = "device")
@IdClass(DeviceEntity.Key.class)
public class DeviceEntity extends PanacheEntityBase {

    @Id
    @Column(name = "source_id")
    public String sourceId;

    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Column(name = "device_name")
    public String deviceName;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "last_run_id")
    public RunEntity lastRun;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public record Key(String sourceId, String deviceId) implements Serializable {
    }
}
