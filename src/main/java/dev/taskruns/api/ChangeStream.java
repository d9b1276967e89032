package dev.taskruns.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.feed.ChangeFeed;
import dev.taskruns.feed.ChangeFeedConfig;
import dev.taskruns.store.RunFilter;
import dev.taskruns.store.RunQueries.Change;
import dev.taskruns.store.RunQueries.ChangeStretch;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client's Server-Sent Events stream, on a virtual thread of its own: reads the feed from its
 * start point in id order, sends each change the filter keeps, then waits for the feed to grow.
 * Every send waits for the client to take it, so a slow client holds back only itself; one that
 * takes nothing for {@link #SEND_TIMEOUT} is dropped and resumes with its Last-Event-ID.
 */
final class ChangeStream implements Runnable, ChangeFeed.Stream {

    private static final Logger LOG = Logger.getLogger(ChangeStream.class);

    /** Changes read per query while catching up. */
    private static final int BATCH = 500;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final ChangeFeed feed;
    private final ChangeFeedConfig config;
    private final ObjectMapper json;
    private final SseEventSink sink;
    private final Sse sse;
    private final RunFilter filter;
    private long position;

    ChangeStream(ChangeFeed feed, ChangeFeedConfig config, ObjectMapper json, SseEventSink sink, Sse sse,
                 RunFilter filter, long start) {
        this.feed = feed;
        this.config = config;
        this.json = json;
        this.sink = sink;
        this.sse = sse;
        this.filter = filter;
        this.position = start;
    }

    /**
     * The stream's first line, sent on the request's own thread before the resource method returns:
     * the response head is then written once, by this send. Sent from the stream's thread instead, it
     * raced Quarkus writing the same head when the method returned, and the stream broke. The client
     * also sees the stream open before the first change. It carries the start as its id (and no
     * data, so no event fires): an EventSource that opened with since=now and drops before the first
     * change reconnects with that id, not at a later present, and misses nothing in between.
     */
    void open() {
        try {
            String start = ChangeIds.format(position);
            send(sse.newEventBuilder().comment("changes after " + start).id(start).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        } catch (ClientGone e) {
            close();
        }
    }

    @Override
    public void run() {
        try {
            long lastSent = System.nanoTime();
            while (!sink.isClosed() && !feed.stopping()) {
                ChangeStretch stretch = feed.read(filter, position, BATCH);
                for (Change change : stretch.changes()) {
                    String id = ChangeIds.format(change.id());
                    send(sse.newEventBuilder().id(id).data(String.class, json.writeValueAsString(ChangeDto.of(change))).build());
                    lastSent = System.nanoTime();
                }
                position = stretch.readThrough();
                Duration idle = Duration.ofNanos(System.nanoTime() - lastSent);
                if (idle.compareTo(config.heartbeat()) >= 0) {
                    send(sse.newEventBuilder().comment("").build());
                    lastSent = System.nanoTime();
                } else if (stretch.atEnd()) {
                    feed.awaitBeyond(position, config.heartbeat().minus(idle));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClientGone e) {
            LOG.debugf("A change feed client went away after id %s: %s", ChangeIds.format(position), e.getMessage());
        } catch (JsonProcessingException | RuntimeException e) {
            // a database outage, most likely: the client reconnects with its Last-Event-ID and loses nothing
            LOG.warnf("A change feed stream ended after id %s: %s", ChangeIds.format(position), e.toString());
        } finally {
            close();
            feed.closed(this);
        }
    }

    @Override
    public void close() {
        if (!sink.isClosed()) {
            sink.close();
        }
    }

    private void send(OutboundSseEvent event) throws InterruptedException {
        try {
            sink.send(event).toCompletableFuture().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw new ClientGone(e);
        }
    }

    /** The client closed the connection, or took nothing for too long. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(Exception cause) {
            super(cause.toString(), cause);
        }
    }
}
