package dev.taskruns.chaos;

import dev.taskruns.support.SseClient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A change feed consumer through the chaos: it follows the stream of whichever replica is up, drops
 * the connection at random points (or loses it when that replica is killed or PostgreSQL restarts)
 * and resumes on a random live replica with the last id it saw, as an EventSource would. What it
 * collected must be every change in the store, once, in order.
 */
final class FeedReader implements Runnable {

    private final Supplier<List<Integer>> livePorts;
    private final Random random = new Random(7);
    private final List<Long> seen = new ArrayList<>();
    private volatile boolean stopping;
    private String lastId;
    private int connections;
    private Thread thread;

    FeedReader(Supplier<List<Integer>> livePorts) {
        this.livePorts = livePorts;
    }

    void start() {
        thread = Thread.ofVirtual().name("feed-reader").start(this);
    }

    /**
     * Stops following live, then reads on until it has reached {@code storedHead} (the newest change
     * id in the store), or {@code patience} has passed.
     */
    List<Long> finish(LongSupplier storedHead, Duration patience) throws InterruptedException {
        stopping = true;
        thread.join();
        long deadline = System.nanoTime() + patience.toNanos();
        while (lastSeen() < storedHead.getAsLong() && System.nanoTime() < deadline) {
            read(Integer.MAX_VALUE, Duration.ofSeconds(3));
        }
        return seen;
    }

    private long lastSeen() {
        return lastId == null ? 0 : Long.parseLong(lastId);
    }

    int connections() {
        return connections;
    }

    @Override
    public void run() {
        while (!stopping) {
            read(1 + random.nextInt(300), Duration.ofSeconds(2));
        }
    }

    /** One connection to a random live replica: up to {@code take} changes; the number read. */
    private int read(int take, Duration patience) {
        List<Integer> ports = livePorts.get();
        if (ports.isEmpty()) {
            pause();
            return 0;
        }
        int port = ports.get(random.nextInt(ports.size()));
        int read = 0;
        try (SseClient client = SseClient.open("http://localhost:" + port + "/api/v1/changes", lastId)) {
            connections++;
            while (read < take) {
                SseClient.Event event = client.nextEvent(patience);
                if (event == null) {
                    break; // quiet, or the connection is gone (replica killed, database restarting)
                }
                seen.add(Long.parseLong(event.id()));
                lastId = event.id();
                read++;
            }
        } catch (IOException e) {
            // not up yet, or 503 while the database restarts: another replica, a moment later
            pause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
        return read;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
