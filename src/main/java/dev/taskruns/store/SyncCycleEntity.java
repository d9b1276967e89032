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

import java.time.Instant;

/** One finished sync cycle of a source: what the console draws a source's recent history from. */
@Entity
@Table(name = "sync_cycle")
public class SyncCycleEntity extends PanacheEntityBase {

    /** How a cycle ended, as stored and served. */
    public enum Outcome { SUCCEEDED, FAILED, ABANDONED, SUPERSEDED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "source_id", nullable = false)
    public String sourceId;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "finished_at", nullable = false)
    public Instant finishedAt;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public Outcome outcome;

    @Column(nullable = false)
    public int pages;

    @Column(name = "runs_written", nullable = false)
    public int runsWritten;

    @Column(name = "bad_records", nullable = false)
    public int badRecords;

    public String error;
}
