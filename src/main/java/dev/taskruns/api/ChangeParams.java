package dev.taskruns.api;

import dev.taskruns.config.Sources;
import dev.taskruns.store.RunFilter;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The change feed's parameters: the run filters of /last-runs, and where to start reading. */
public class ChangeParams extends FilterParams {

    @QueryParam("after")
    @Parameter(description = "Read the changes after this id: a change's id, or a page's nextCursor")
    String after;

    @QueryParam("since")
    @Parameter(description = "now: start at the present, without the changes already kept (e.g. a first backfill)")
    String since;

    /**
     * The validated query and its start. A {@code Last-Event-ID} header wins over the URL: an
     * EventSource reconnects with its original URL (after= or since=now included) plus that header.
     */
    ParsedChanges parseChanges(Sources sources, String lastEventId) {
        List<Problem.ParameterError> errors = new ArrayList<>();
        ParsedQuery query = null;
        try {
            query = parse(sources, null);
        } catch (InvalidParametersException e) {
            errors.addAll(e.errors());
        }
        boolean sinceNow = false;
        if (since != null && !since.isBlank()) {
            sinceNow = since.trim().equalsIgnoreCase("now");
            if (!sinceNow) {
                errors.add(new Problem.ParameterError("since", "'" + since + "' is not supported; the only value is 'now'"));
            }
        }
        Long start = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            start = id("Last-Event-ID", lastEventId, errors);
            sinceNow = false;
        } else {
            Long fromAfter = after == null || after.isBlank() ? null : id("after", after, errors);
            Long fromCursor = cursor == null || cursor.isBlank() ? null : id("cursor", cursor, errors);
            if (fromAfter != null && fromCursor != null && !fromAfter.equals(fromCursor)) {
                errors.add(new Problem.ParameterError("cursor", "differs from after; give one of them"));
            }
            start = fromAfter != null ? fromAfter : fromCursor;
            if (start != null && sinceNow) {
                errors.add(new Problem.ParameterError("since", "cannot be combined with after or cursor"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidParametersException(errors);
        }
        return new ParsedChanges(query.filter(), query.limit(), start, sinceNow);
    }

    private static Long id(String parameter, String text, List<Problem.ParameterError> errors) {
        Optional<Long> id = ChangeIds.parse(text);
        if (id.isEmpty()) {
            errors.add(new Problem.ParameterError(parameter, "'" + text + "' is not a change id (a change's id or a nextCursor)"));
        }
        return id.orElse(null);
    }

    /** A validated feed query: the filter, the page size, the id to read after (null: the oldest kept) or the present. */
    record ParsedChanges(RunFilter filter, int limit, Long after, boolean sinceNow) {
    }
}
