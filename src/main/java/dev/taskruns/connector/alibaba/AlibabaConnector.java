package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import dev.taskruns.connector.PageBatch;
import dev.taskruns.connector.RecordGuard;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.store.StoredRun;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.sync.SyncContext;
import dev.taskruns.sync.VendorConnector;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Alibaba Cloud Threat Analysis and Response sync ({@code DescribeProcessTasks}). Offset paging
 * drifts, status changes have no modified-time filter, and a block can last weeks before its
 * release, so a cycle reads three things (design and API cost: docs/alibaba-sync.md):
 * <ol>
 * <li><b>new tasks</b>: ascending windows on {@code ProcessActionStart/End} from where the last
 * cycle ended less an overlap, each paged in {@code gmtCreate} order until its TotalCount held
 * still (read again when it moved, split while it holds too many tasks);</li>
 * <li><b>releases</b>: the same on {@code ProcessRemoveStart/End}, so a block or isolation
 * released weeks later ({@code 23}, {@code RemoveTime} set) is seen;</li>
 * <li><b>tasks still handling</b> ({@code 11}) that started before this cycle's windows, taken
 * from the store: one filtered listing shows which still are, the others are read by TaskId.</li>
 * </ol>
 * Every page is committed with its stream's checkpoint, consecutive pages gathered into one
 * transaction of {@code commit-runs} runs ({@link PageBatch}); writes are idempotent upserts by TaskId.
 */
@ApplicationScoped
public class AlibabaConnector implements VendorConnector {

    /** More unfinished runs than this per cycle means something else is wrong; the rest wait for the next one. */
    private static final int MAX_IN_FLIGHT = 10_000;
    private static final String ACTION_START = "ProcessActionStart";
    private static final String ACTION_END = "ProcessActionEnd";
    /** Where the TaskId reads of changed in-flight tasks stopped: {@code {"after": "<TaskId>"}}. */
    static final String IN_FLIGHT = "in-flight";

    private final Function<SourceDefinition, ProcessTasks> clients;
    private final AlibabaSettings settings;
    private final Clock clock;
    private final MeterRegistry registry;

    @Inject
    public AlibabaConnector(AlibabaClients clients, AlibabaSettings settings, Clock clock, MeterRegistry registry) {
        this(clients::forSource, settings, clock, registry);
    }

    AlibabaConnector(Function<SourceDefinition, ProcessTasks> clients, AlibabaSettings settings, Clock clock,
                     MeterRegistry registry) {
        this.clients = clients;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public Vendor vendor() {
        return Vendor.ALIBABA;
    }

    @Override
    public void sync(SourceDefinition source, SyncContext context) {
        PageBatch batch = new PageBatch(context, settings.commitRuns());
        Run run = new Run(source.id(), batch, clients.apply(source), clock.millis() - settings.lag().toMillis());
        // the three reads fail independently: a new-task window that will not hold still must not
        // keep releases and status changes from being seen; the cycle fails afterwards all the same
        List<RuntimeException> failures = new ArrayList<>();
        long listedFrom = run.now + 1;
        try {
            listedFrom = run.stream(WindowCheckpoint.ACTIONS, ACTION_START, ACTION_END);
        } catch (VendorApiException e) {
            failures.add(e);
        }
        try {
            run.stream(WindowCheckpoint.REMOVALS, "ProcessRemoveStart", "ProcessRemoveEnd");
        } catch (VendorApiException e) {
            failures.add(e);
        }
        try {
            run.followInFlight(listedFrom);
        } catch (VendorApiException e) {
            failures.add(e);
        }
        // the vendor failed, not the store: what the reads before gathered is kept
        batch.flush();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * An inclusive range of epoch milliseconds. Neighbouring ranges share their boundary: the vendor
     * does not say whether its End bounds are inclusive, and a task read twice costs nothing.
     */
    private record Range(long from, long to) {
        boolean splittable() {
            return to - from >= 2;
        }
    }

    /** One cycle of one source. */
    private final class Run {
        private final String source;
        private final SyncContext context;
        private final ProcessTasks api;
        /** Where windows end: now less the lag. */
        private final long now;
        private final RecordGuard guard;

        Run(String source, SyncContext context, ProcessTasks api, long now) {
            this.source = source;
            this.context = context;
            this.api = api;
            this.now = now;
            this.guard = new RecordGuard(source, clock, registry);
        }

        /**
         * Reads one window stream up to now: an unfinished window first (from its next page), then
         * from where the last cycle ended less the overlap (the backfill on the first cycle).
         *
         * @return where this cycle began reading afresh: tasks starting from here were all listed now
         */
        long stream(String scope, String startKey, String endKey) {
            WindowCheckpoint checkpoint = WindowCheckpoint.fromJson(context.checkpoint(scope).orElse(null));
            Stream stream = new Stream(scope, startKey, endKey, checkpoint.readUpTo());
            WindowCheckpoint.Window unfinished = checkpoint.window();
            long freshFrom = unfinished != null ? unfinished.to()
                    : checkpoint.readUpTo() == null ? now - settings.backfill().toMillis()
                    : checkpoint.readUpTo() - settings.overlap().toMillis();
            Deque<Range> todo = new ArrayDeque<>(); // a stack: the earliest range on top
            if (freshFrom <= now) {
                todo.push(new Range(Math.max(0, freshFrom), now));
            }
            if (unfinished != null) {
                Range range = new Range(unfinished.from(), unfinished.to());
                if (!stream.read(range, unfinished)) {
                    split(range, todo);
                }
            }
            while (!todo.isEmpty()) {
                Range range = todo.pop();
                if (!stream.read(range, null)) {
                    split(range, todo);
                }
            }
            return freshFrom;
        }

        private void split(Range range, Deque<Range> todo) {
            long middle = range.from() + (range.to() - range.from()) / 2;
            todo.push(new Range(middle, range.to()));
            todo.push(new Range(range.from(), middle));
            count("windows", "split");
        }

        /**
         * Tasks still handling that no window of this cycle listed: one listing filtered on status 11
         * shows which still are; the others changed and are read by TaskId, at most
         * {@code in-flight-reads} per cycle, going round them from where the last cycle stopped
         * (scope {@code in-flight}), so none waits behind the others for long.
         */
        void followInFlight(long listedFrom) {
            List<StoredRun> stale = context.unfinishedRuns(Instant.ofEpochMilli(now - settings.inFlightHorizon().toMillis()), MAX_IN_FLIGHT)
                    .stream().filter(run -> run.startedAt().toEpochMilli() < listedFrom).toList();
            if (stale.isEmpty()) {
                return;
            }
            Set<String> stillHandling = new HashSet<>();
            Range range = new Range(stale.getFirst().startedAt().toEpochMilli(), listedFrom);
            long received = 0;
            for (int page = 1; ; page++) {
                Map<String, String> query = query(page, ACTION_START, ACTION_END, range);
                query.put("TaskStatus", "[\"" + AlibabaRunMapper.HANDLING + "\"]");
                ProcessTasks.Page answer = api.describe(query);
                List<UnifiedRun> handling = map(answer.tasks());
                handling.forEach(run -> stillHandling.add(run.runId()));
                context.commit(handling, Map.of());
                received += answer.tasks().size();
                // a task missed here (offsets moved as others left status 11) is just read by TaskId below
                if (answer.tasks().isEmpty() || received >= answer.totalCount()) {
                    break;
                }
            }
            count("in_flight", "still_handling", stale.stream().filter(run -> stillHandling.contains(run.runId())).count());
            List<String> changed = stale.stream().map(StoredRun::runId).filter(id -> !stillHandling.contains(id))
                    .sorted().toList();
            String after = context.checkpoint(IN_FLIGHT).map(json -> json.path("after").asText(null)).orElse(null);
            List<String> turn = new ArrayList<>(changed.stream().filter(id -> after == null || id.compareTo(after) > 0).toList());
            turn.addAll(changed.stream().filter(id -> after != null && id.compareTo(after) <= 0).toList());
            for (String taskId : turn.subList(0, Math.min(turn.size(), settings.inFlightReads()))) {
                Map<String, String> query = query(1);
                query.put("TaskId", taskId);
                List<JsonNode> tasks = api.describe(query).tasks();
                // the vendor no longer lists it: it stays as last seen until it leaves the horizon
                count("in_flight", tasks.isEmpty() ? "vanished" : "changed");
                context.commit(map(tasks), Map.of(IN_FLIGHT, JsonNodeFactory.instance.objectNode().put("after", taskId)));
            }
        }

        private List<UnifiedRun> map(List<JsonNode> tasks) {
            List<UnifiedRun> runs = new ArrayList<>(tasks.size());
            for (JsonNode task : tasks) {
                try {
                    runs.add(guard.check(AlibabaRunMapper.map(source, task)));
                } catch (IllegalArgumentException e) {
                    context.badRecord("Alibaba source " + source, e);
                }
            }
            return RecordGuard.distinct(runs, context, "Alibaba source " + source);
        }

        private Map<String, String> query(int page) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("PageNumber", Integer.toString(page));
            query.put("PageSize", Integer.toString(settings.pageSize()));
            // creation order never changes: the vendor's default (last modified first) moves a task
            // to the front when its status changes, and offset paging then skips one
            query.put("OrderField", "gmtCreate");
            query.put("Direction", "asc");
            return query;
        }

        /** A page of the tasks whose {@code startKey}/{@code endKey} time lies in {@code range}. */
        private Map<String, String> query(int page, String startKey, String endKey, Range range) {
            Map<String, String> query = query(page);
            query.put(startKey, Long.toString(range.from()));
            query.put(endKey, Long.toString(range.to()));
            return query;
        }

        /** One window stream: its keys and how far it has read. */
        private final class Stream {
            private final String scope;
            private final String startKey;
            private final String endKey;
            private Long readUpTo;

            Stream(String scope, String startKey, String endKey, Long readUpTo) {
                this.scope = scope;
                this.startKey = startKey;
                this.endKey = endKey;
                this.readUpTo = readUpTo;
            }

            /**
             * Reads a window completely, committing each page with the checkpoint; from where
             * {@code resume} stopped when it was paged with today's page size, else from its first
             * page. The window is done once it has yielded TotalCount tasks; a TotalCount that moves,
             * or a page that comes back empty before that, means offsets moved: it is read again
             * from its first page.
             *
             * @return false, having committed nothing, when a fresh window holds more than
             * max-window-tasks and can still be split
             */
            boolean read(Range range, WindowCheckpoint.Window resume) {
                boolean resumed = resume != null && resume.pageSize() == settings.pageSize();
                int page = resumed ? resume.nextPage() : 1;
                int total = resumed ? resume.total() : -1;
                long received = resumed ? resume.received() : 0;
                int reads = 1;
                while (true) {
                    ProcessTasks.Page answer = api.describe(query(page, startKey, endKey, range));
                    if (total < 0) {
                        total = answer.totalCount();
                        if (total > settings.maxWindowTasks() && range.splittable()) {
                            return false;
                        }
                    }
                    received += answer.tasks().size();
                    if (answer.totalCount() != total || answer.tasks().isEmpty() && received < total) {
                        // tasks came or went in this window while it was paged: offsets moved, read it again
                        count("windows", "reread");
                        if (++reads > settings.maxWindowReads()) {
                            throw new VendorApiException("Alibaba source " + source + ": " + scope + " window " + range.from()
                                    + ".." + range.to() + " kept changing while paged (read " + settings.maxWindowReads()
                                    + " times); retried next cycle", 200);
                        }
                        page = 1;
                        total = -1;
                        received = 0;
                        continue;
                    }
                    boolean last = received >= total;
                    WindowCheckpoint checkpoint = last ? new WindowCheckpoint(range.to(), null)
                            : new WindowCheckpoint(readUpTo, new WindowCheckpoint.Window(range.from(), range.to(), page + 1,
                            total, received, settings.pageSize()));
                    context.commit(map(answer.tasks()), Map.of(scope, checkpoint.toJson()));
                    if (last) {
                        readUpTo = range.to();
                        count("windows", "read");
                        return true;
                    }
                    page++;
                }
            }
        }

        private void count(String what, String outcome) {
            count(what, outcome, 1);
        }

        private void count(String what, String outcome, long amount) {
            registry.counter("taskruns.alibaba." + what.replace('_', '.'), "source", source, "outcome", outcome).increment(amount);
        }
    }
}
