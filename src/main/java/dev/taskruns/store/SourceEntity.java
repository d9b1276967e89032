package dev.taskruns.store;

import dev.taskruns.config.Vendor;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A configured vendor account and the state of its sync. */
@Entity
@Table(name = "source")
public class SourceEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Vendor vendor;

    @Column(nullable = false)
    public boolean enabled;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SourceState state = SourceState.IDLE;

    @Column(name = "last_sync_started_at")
    public Instant lastSyncStartedAt;

    @Column(name = "last_sync_succeeded_at")
    public Instant lastSyncSucceededAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "last_error_at")
    public Instant lastErrorAt;

    @Column(name = "next_sync_at")
    public Instant nextSyncAt;

    @Column(name = "consecutive_failures", nullable = false)
    public int consecutiveFailures;

    @Column(name = "runs_stored", nullable = false)
    public long runsStored;

    /** The fencing token of the source's latest cycle (see SourceRepository#markStarted). */
    @Column(name = "sync_epoch", nullable = false)
    public long syncEpoch;
}
