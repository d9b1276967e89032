package dev.taskruns.sync;

import dev.taskruns.store.ReplicaRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This replica among those alive, and which of them each source is shared out to. Not leader
 * election: any replica may still take any source (the source's lock decides), the share only says
 * who goes first, so that N replicas split the sources instead of the fastest ticker pulling all.
 */
@ApplicationScoped
public class Replicas {

    private final ReplicaRepository repository;
    private final SyncConfig config;
    private final String id;
    private boolean left;

    public Replicas(ReplicaRepository repository, SyncConfig config) {
        this.repository = repository;
        this.config = config;
        // host (the pod name on Kubernetes) and pid for people reading the table, a random part so
        // that two processes of one host, or a restarted one, never share an id; short enough to
        // fit PostgreSQL's application_name (63 bytes) with SourceLock's prefix
        this.id = config.replicaId().orElseGet(() -> {
            String host = System.getenv().getOrDefault("HOSTNAME", "replica");
            return host.substring(0, Math.min(host.length(), 24)) + "-" + ProcessHandle.current().pid() + "-"
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        });
    }

    public String id() {
        return id;
    }

    /**
     * Renews this replica's lease, every {@code heartbeat}, from a job of its own: also when this
     * replica runs no scheduler, as long as it could hold a lock (a manual sync), since other
     * replicas end lock sessions of replicas whose lease ran out. Also while stopping (then marked
     * leaving: dealt nothing, but still alive while its cycles wind down), never after {@link #leave}.
     */
    synchronized void beat(boolean leaving) {
        if (!left) {
            repository.heartbeat(id, lease(), leaving);
        }
    }

    /** The replicas sources are dealt to, in id order, this one always among them unless it is leaving. */
    List<String> dealtIn(boolean leaving) {
        List<String> alive = new ArrayList<>(repository.dealtIn());
        alive.remove(id);
        if (!leaving) {
            alive.add(id);
            alive.sort(null);
        }
        return alive;
    }

    /** The end of a clean stop: its lease goes at once instead of running out. */
    synchronized void leave() {
        left = true;
        repository.leave(id);
    }

    private Duration lease() {
        return config.heartbeat().multipliedBy(3);
    }

    /**
     * The replica {@code sourceId} is shared out to: sources and replicas both in id order, dealt
     * round like cards. Balanced to within one source, and every replica computes the same answer
     * from the same two lists, without talking to the others.
     */
    static String shareOf(String sourceId, List<String> sourceIds, List<String> replicas) {
        int index = sourceIds.indexOf(sourceId);
        return replicas.get(Math.floorMod(index, replicas.size()));
    }
}
