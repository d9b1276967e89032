package dev.taskruns.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal Server-Sent Events reader for tests: what a browser's EventSource does with the lines
 * (id, data, comments, the blank line ending an event), without its automatic reconnects, so a
 * test decides when to drop and resume.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched event, or a comment line (id and data null). */
    public record Event(String id, String data, String comment) {
        public boolean isComment() {
            return comment != null;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** What an EventSource would send as Last-Event-ID on reconnecting: set by id-only blocks too. */
    private volatile String lastEventId;
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /** Opens {@code url}; {@code lastEventId} (may be null) as a reconnecting EventSource sends it. */
    public static SseClient open(String url, String lastEventId) throws IOException, InterruptedException {
        // a bound on the answer's head: a frozen (SIGSTOPped) server must not hold the caller forever
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(5));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            String body = String.join("\n", response.body().toList());
            throw new IOException("HTTP " + response.statusCode() + ": " + body);
        }
        return new SseClient(response);
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    private void read() {
        String id = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.isEmpty()) {
                    if (id != null) {
                        lastEventId = id;
                    }
                    if (data != null) {
                        events.add(new Event(id, data.toString(), null));
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(null, null, line.substring(1).trim()));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        } catch (RuntimeException e) {
            // closed by the test (or the server): the queue simply receives nothing more
        }
    }

    /** The id an EventSource would resume from, once a block has set one; null after {@code timeout}. */
    public String awaitLastEventId(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lastEventId == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return lastEventId;
    }

    /** The next event or comment, or null after {@code timeout}. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next event with data, skipping comments, or null after {@code timeout}. */
    public Event nextEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (event == null || !event.isComment()) {
                return event;
            }
        }
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
