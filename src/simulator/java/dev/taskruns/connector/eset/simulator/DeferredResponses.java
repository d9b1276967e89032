package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Answers cached behind a 202 and its {@code response-id}: ready after a number of re-sends of the
 * identical request, collectable once, dropped when uncollected for ten minutes (vendor behaviour).
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class DeferredResponses {

    static final Duration KEPT_FOR = Duration.ofMinutes(10);

    /** The request a cached answer belongs to: who asked, and method, path and query. */
    record RequestKey(String user, String request) {
    }

    /** A cached answer: HTTP status and entity. */
    record Answer(int status, Object entity) {
    }

    /** What a re-send gets: the answer when ready, else null with {@code pending} telling 202 from 404. */
    record Poll(boolean pending, Answer answer) {
        static final Poll GONE = new Poll(false, null);
        static final Poll PENDING = new Poll(true, null);
    }

    private record Entry(RequestKey key, Answer answer, Instant expiresAt, int pollsLeft) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    synchronized String defer(RequestKey key, Answer answer, int polls, Instant now) {
        entries.values().removeIf(e -> !now.isBefore(e.expiresAt())); // abandoned answers must not pile up
        String id = UUID.randomUUID().toString();
        entries.put(id, new Entry(key, answer, now.plus(KEPT_FOR), polls));
        return id;
    }

    /** An id from another request is unknown to it (404) but stays collectable by its own request. */
    synchronized Poll poll(String id, RequestKey key, Instant now) {
        Entry entry = entries.get(id);
        if (entry != null && !now.isBefore(entry.expiresAt())) {
            entries.remove(id);
            return Poll.GONE;
        }
        if (entry == null || !entry.key().equals(key)) {
            return Poll.GONE;
        }
        if (entry.pollsLeft() > 0) {
            entries.put(id, new Entry(entry.key(), entry.answer(), entry.expiresAt(), entry.pollsLeft() - 1));
            return Poll.PENDING;
        }
        entries.remove(id);
        return new Poll(false, entry.answer());
    }

    /** A re-send that failed (e.g. 504) must start over with a fresh query. */
    synchronized void drop(String id) {
        entries.remove(id);
    }

    synchronized void clear() {
        entries.clear();
    }
}
