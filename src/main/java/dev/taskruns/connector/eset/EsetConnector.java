package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.taskruns.config.SourceDefinition;
import dev.taskruns.connector.PageBatch;
import dev.taskruns.connector.RecordGuard;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.config.Vendor;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.sync.SyncContext;
import dev.taskruns.sync.VendorConnector;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * ESET Connect sync. ESET has no time filter, so a cycle lists every task and then reads the runs of
 * each task that may have changed: all tasks on the first cycle (backfill), afterwards the active ones,
 * while settled tasks are only re-read every {@code settled-recheck}. Design and API cost: docs/eset-sync.md.
 */
@ApplicationScoped
public class EsetConnector implements VendorConnector {

    private static final Logger LOG = Logger.getLogger(EsetConnector.class);

    private final Function<SourceDefinition, EsetApiClient> clients;
    private final EsetSettings settings;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, DeviceNames> deviceNames = new ConcurrentHashMap<>();

    @Inject
    public EsetConnector(EsetClients clients, EsetSettings settings, Clock clock, MeterRegistry registry) {
        this(clients::forSource, settings, clock, registry);
    }

    EsetConnector(Function<SourceDefinition, EsetApiClient> clients, EsetSettings settings, Clock clock, MeterRegistry registry) {
        this.clients = clients;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public Vendor vendor() {
        return Vendor.ESET;
    }

    @Override
    public void sync(SourceDefinition source, SyncContext context) {
        EsetApiClient client = clients.apply(source);
        DeviceNames names = deviceNames.computeIfAbsent(source.id(), id -> new DeviceNames(id, settings, clock, registry));
        Instant now = clock.instant();
        Map<String, TaskCheckpoint> stored = new HashMap<>();
        context.checkpoints().forEach((scope, json) -> {
            if (scope.startsWith(TaskCheckpoint.SCOPE_PREFIX)) {
                stored.put(scope.substring(TaskCheckpoint.SCOPE_PREFIX.length()), TaskCheckpoint.fromJson(json));
            }
        });
        // pages of several tasks go into one transaction: most tasks have a few dozen runs
        PageBatch batch = new PageBatch(context, settings.commitRuns());
        TaskRead read = new TaskRead(source.id(), batch, client, names, now);

        Set<String> listed = new HashSet<>();
        TaskFailures failures = new TaskFailures(source.id());
        try {
            List<EsetTask> due = new ArrayList<>();
            for (EsetTask listedTask : client.listTasks()) {
                EsetTask task = usable(listedTask, source.id(), context);
                if (task == null) {
                    continue;
                }
                listed.add(task.uuid());
                TaskCheckpoint checkpoint = stored.get(task.uuid());
                if (checkpoint != null && !due(checkpoint, task, now)) {
                    count(source.id(), "skipped_settled");
                    continue;
                }
                due.add(task);
            }
            // a change shows when its task's turn comes: the tasks most likely to have changed go first
            due.sort(Comparator.comparing((EsetTask task) -> stored.get(task.uuid()), LIKELY_CHANGED_FIRST));
            for (EsetTask task : due) {
                failures.attempt(task.uuid(), () -> read.listed(task));
                count(source.id(), "polled");
            }
            // runs outlive their task: a vanished task is read once more, then never again
            stored.forEach((uuid, checkpoint) -> {
                // read once more when it vanishes, and every cycle while runs it left are still unfinished
                if (!listed.contains(uuid) && (!checkpoint.deleted() || !checkpoint.settled())) {
                    failures.attempt(uuid, () -> read.deleted(uuid, checkpoint.taskName()));
                    count(source.id(), "deleted");
                }
            });
        } catch (VendorApiException e) {
            batch.flush(); // ESET failed, not the store: what the tasks before read is kept
            throw e;
        }
        batch.flush();
        failures.throwIfAny();
    }

    /**
     * The task with its text made storable (its name and times go into its checkpoint), or null when
     * its uuid cannot key a checkpoint: a bad record.
     */
    private static EsetTask usable(EsetTask task, String source, SyncContext context) {
        try {
            if (task == null || task.uuid() == null || task.uuid().isBlank()) {
                throw new IllegalArgumentException("task without uuid");
            }
            RecordGuard.checkId("task uuid", task.uuid());
        } catch (IllegalArgumentException e) {
            context.badRecord("ESET source " + source, e);
            return null;
        }
        return task.storable();
    }

    /**
     * One task whose runs cannot be read must not starve the tasks listed after it: its checkpoint
     * stays as it was (so it is retried next cycle), the others go on, and the cycle still fails at
     * the end. Several failures in a row mean ESET itself is in trouble: the cycle stops there.
     */
    private static final class TaskFailures {
        private static final int IN_A_ROW_TO_ABORT = 3;

        private final String source;
        private final List<VendorApiException> failed = new ArrayList<>();
        private int inARow;

        TaskFailures(String source) {
            this.source = source;
        }

        void attempt(String taskUuid, Runnable read) {
            try {
                read.run();
                inARow = 0;
            } catch (VendorApiException e) {
                LOG.warnf("ESET source %s: runs of task %s not read this cycle: %s", source, taskUuid, e.getMessage());
                failed.add(e);
                if (++inARow >= IN_A_ROW_TO_ABORT) {
                    throw summary("cycle stopped after " + inARow + " tasks in a row failed");
                }
            }
        }

        void throwIfAny() {
            if (!failed.isEmpty()) {
                throw summary("runs of " + failed.size() + " task(s) could not be read");
            }
        }

        private VendorApiException summary(String what) {
            VendorApiException first = failed.getFirst();
            VendorApiException summary = new VendorApiException("ESET source " + source + ": " + what
                    + "; first: " + first.getMessage(), first.status());
            failed.forEach(summary::addSuppressed);
            return summary;
        }
    }

    /**
     * Never read (a new task: all its runs are news), then runs left unfinished (their end is due),
     * then the most recent activity (recurring and re-triggered tasks start runs again), listing order
     * among equals (the sort is stable). Only the order: every due task is still read each cycle.
     */
    private static final Comparator<TaskCheckpoint> LIKELY_CHANGED_FIRST = Comparator.nullsFirst(Comparator
            .comparing((TaskCheckpoint c) -> !c.unfinished())
            .thenComparing(TaskCheckpoint::lastActivity, Comparator.nullsLast(Comparator.reverseOrder())));

    /** Unsettled, edited since, marked deleted but listed again, or its recheck is due. */
    private boolean due(TaskCheckpoint checkpoint, EsetTask task, Instant now) {
        return !checkpoint.settled()
                || checkpoint.deleted()
                || !Objects.equals(checkpoint.taskUpdateTime(), task.updateTime())
                || !now.isBefore(checkpoint.lastCheckedAt().plus(recheckAfter(task.uuid())));
    }

    /**
     * The recheck interval less up to a quarter, fixed per task: tasks settled in the same cycle
     * (all of them, after a backfill) spread out instead of being re-read in one burst.
     */
    private Duration recheckAfter(String taskUuid) {
        Duration recheck = settings.settledRecheck();
        long spread = recheck.toMillis() / 4;
        return spread <= 0 ? recheck : recheck.minusMillis(Math.floorMod(taskUuid.hashCode() * 0x9E3779B97F4A7C15L, spread));
    }

    private void count(String source, String outcome) {
        registry.counter("taskruns.eset.tasks", "source", source, "outcome", outcome).increment();
    }

    /** Reads all runs of one task page by page, and commits its checkpoint with the last page. */
    private final class TaskRead {

        private final String source;
        private final SyncContext context;
        private final EsetApiClient client;
        private final DeviceNames names;
        private final Instant now;
        private final RecordGuard guard;

        TaskRead(String source, SyncContext context, EsetApiClient client, DeviceNames names, Instant now) {
            this.source = source;
            this.context = context;
            this.client = client;
            this.names = names;
            this.now = now;
            this.guard = new RecordGuard(source, clock, registry);
        }

        void listed(EsetTask task) {
            read(task.uuid(), task.displayName(), () -> {
                RunScan scan = new RunScan();
                scan.activity(lenientTime(task.createTime()));
                scan.activity(lenientTime(task.updateTime()));
                return scan;
            }, scan -> {
                boolean settled = scan.allFinal && !canFireAgain(task) && quiet(scan);
                return new TaskCheckpoint(settled, !scan.allFinal, false, now, scan.lastActivity, task.updateTime(),
                        task.displayName());
            });
        }

        void deleted(String taskUuid, String taskName) {
            Function<RunScan, TaskCheckpoint> done =
                    scan -> new TaskCheckpoint(scan.allFinal && quiet(scan), !scan.allFinal, true, now, scan.lastActivity,
                            null, taskName);
            try {
                read(taskUuid, taskName, RunScan::new, done);
            } catch (VendorApiException e) {
                if (e.status() != 404) {
                    throw e;
                }
                context.commit(List.of(), finished(taskUuid, done.apply(new RunScan())));
            }
        }

        /**
         * Resumes an unfinished read at its saved page token; a token ESET no longer accepts (400/404
         * before any page) means reading the task from its first page instead.
         */
        private void read(String taskUuid, String taskName, Supplier<RunScan> fresh,
                          Function<RunScan, TaskCheckpoint> done) {
            TaskProgress progress = context.checkpoint(TaskProgress.scope(taskUuid)).map(TaskProgress::fromJson).orElse(null);
            if (progress != null) {
                RunScan resumed = fresh.get();
                resumed.allFinal = progress.allFinal();
                resumed.activity(progress.lastActivity());
                try {
                    readPages(taskUuid, taskName, progress.pageToken(), resumed, done);
                    return;
                } catch (VendorApiException e) {
                    if (resumed.pages > 0 || (e.status() != 400 && e.status() != 404)) {
                        throw e;
                    }
                    LOG.infof("ESET source %s: saved page token of task %s refused (%s); reading it from the start",
                            source, taskUuid, e.status());
                }
            }
            readPages(taskUuid, taskName, null, fresh.get(), done);
        }

        private void readPages(String taskUuid, String taskName, String fromPageToken, RunScan scan,
                               Function<RunScan, TaskCheckpoint> done) {
            client.forEachRunPage(taskUuid, EsetApiClient.RunQuery.ALL, fromPageToken, (runs, next) -> {
                Set<String> devices = new HashSet<>();
                runs.forEach(run -> {
                    String device = EsetRunMapper.text(run, "deviceUuid");
                    // an id no run can be stored under would only spoil the lookup of its whole batch
                    if (device != null && RecordGuard.isId(device)) {
                        devices.add(device);
                    }
                });
                Map<String, String> deviceNames = names.resolve(client, devices);
                List<UnifiedRun> mapped = new ArrayList<>(runs.size());
                for (JsonNode run : runs) {
                    scan.status(EsetRunMapper.text(run, "status"));
                    try {
                        UnifiedRun unified = guard.check(EsetRunMapper.map(source, run, taskUuid, taskName, deviceNames));
                        scan.activity(unified.startedAt());
                        scan.activity(unified.endedAt());
                        mapped.add(unified);
                    } catch (EsetRunMapper.NotStarted e) {
                        scan.allFinal = false; // the task is not done while a run has yet to start
                        registry.counter("taskruns.eset.runs.not.started", "source", source).increment();
                    } catch (IllegalArgumentException e) {
                        context.badRecord(where(taskUuid), e);
                    }
                }
                mapped = RecordGuard.distinct(mapped, context, where(taskUuid));
                scan.pages++;
                // each page carries where to go on from; the task's checkpoint only comes with the last
                context.commit(mapped, next == null ? finished(taskUuid, done.apply(scan))
                        : Map.of(TaskProgress.scope(taskUuid), new TaskProgress(next, scan.allFinal, scan.lastActivity).toJson()));
            });
        }

        /** How this task's bad records begin. */
        private String where(String taskUuid) {
            return "ESET source " + source + ", task " + taskUuid;
        }

        /** Nothing happened within the settled horizon. */
        private boolean quiet(RunScan scan) {
            return scan.lastActivity == null || scan.lastActivity.isBefore(now.minus(settings.settledHorizon()));
        }

        /** The task's checkpoint, and its progress removed if there is one (a JSON null removes a scope). */
        private Map<String, JsonNode> finished(String taskUuid, TaskCheckpoint checkpoint) {
            String progress = TaskProgress.scope(taskUuid);
            return context.checkpoint(progress).isEmpty()
                    ? Map.of(TaskCheckpoint.scope(taskUuid), checkpoint.toJson())
                    : Map.of(TaskCheckpoint.scope(taskUuid), checkpoint.toJson(), progress, NullNode.getInstance());
        }

        /**
         * A trigger other than "manual" (a kind this client does not know, e.g. a schedule) may fire
         * again, and so may a manual trigger until its expireTime: devices that come online late still run it.
         */
        private boolean canFireAgain(EsetTask task) {
            for (JsonNode trigger : task.triggers()) {
                JsonNode manual = trigger.get("manual");
                if (manual == null || trigger.size() > 1) {
                    return true;
                }
                Instant expires = lenientTime(EsetRunMapper.text(manual, "expireTime"));
                if (expires != null && expires.isAfter(now)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a task's runs say about it: are they all final, and when did anything last happen. */
    private static final class RunScan {
        boolean allFinal = true;
        Instant lastActivity;
        int pages;

        void status(String vendorStatus) {
            allFinal &= EsetRunMapper.isFinal(vendorStatus);
        }

        void activity(Instant at) {
            if (at != null && (lastActivity == null || at.isAfter(lastActivity))) {
                lastActivity = at;
            }
        }
    }

    /** Task times only steer polling; an unreadable one must not stop the sync. */
    private static Instant lenientTime(String value) {
        try {
            return EsetRunMapper.parseTime(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
