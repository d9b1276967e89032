package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.connector.VendorTransport;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * ESET Connect client of one source: paging over the Automation API and device names from Device
 * Management, authenticated by {@link EsetTokens} and sent through a {@link VendorTransport} as {@link EsetExchange}s
 * (rate limit, 202 protocol, retries). Create it with {@link EsetClients}.
 */
public final class EsetClient implements EsetApiClient {

    private static final Logger LOG = Logger.getLogger(EsetClient.class);
    /** Page tokens are opaque, but one longer than this would not fit a URL. */
    private static final int MAX_PAGE_TOKEN = 4096;

    private final String source;
    private final EsetAutomationApi automation;
    private final EsetDeviceApi devices;
    private final EsetTokens tokens;
    private final VendorTransport transport;
    private final EsetSettings settings;
    private final int pageSize;

    EsetClient(String source, EsetAutomationApi automation, EsetDeviceApi devices, EsetTokens tokens,
               VendorTransport transport, EsetSettings settings) {
        this.source = source;
        this.automation = automation;
        this.devices = devices;
        this.tokens = tokens;
        this.transport = transport;
        this.settings = settings;
        this.pageSize = settings.pageSize();
    }

    @Override
    public List<EsetTask> listTasks() {
        List<EsetTask> tasks = new ArrayList<>();
        String pageToken = null;
        do {
            String token = pageToken;
            EsetDtos.TaskList page = authorized("list tasks", EsetDtos.TaskList.class,
                    (auth, responseId) -> automation.listTasks(auth, responseId, pageSize, token));
            if (page != null && page.tasks() != null) {
                page.tasks().stream().map(EsetTask::from).forEach(tasks::add);
            }
            pageToken = next("list tasks", page == null ? null : page.nextPageToken());
        } while (pageToken != null);
        return tasks;
    }

    @Override
    public void forEachRunPage(String taskUuid, RunQuery query, String fromPageToken, RunPageHandler handler) {
        String operation = "list runs of task " + taskUuid;
        String pageToken = next(operation, fromPageToken);
        do {
            String token = pageToken;
            EsetDtos.RunList page = authorized(operation, EsetDtos.RunList.class,
                    (auth, responseId) -> automation.listRuns(auth, responseId, taskUuid, query.deviceUuid(),
                            query.listOnlyLastRuns() ? Boolean.TRUE : null, pageSize, token));
            pageToken = next(operation, page == null ? null : page.nextPageToken());
            handler.page(page == null || page.taskRuns() == null ? List.of() : page.taskRuns(), pageToken);
        } while (pageToken != null);
    }

    @Override
    public List<EsetDevice> devices(List<String> uuids) {
        if (devices == null || uuids.isEmpty()) {
            return List.of();
        }
        EsetDtos.DeviceList list = authorized("get devices", EsetDtos.DeviceList.class,
                (auth, responseId) -> devices.batchGet(auth, responseId, uuids));
        return list == null || list.devices() == null ? List.of() : list.devices();
    }

    /**
     * Sends with a bearer token; on a 401 gets a new token and tries exactly once more. The token is
     * fetched outside the call so that a refused sign-in is not mistaken for the API's 401.
     */
    private <T> T authorized(String operation, Class<T> type, BiFunction<String, String, Response> request) {
        String authorization = tokens.authorization();
        try {
            return EsetExchange.call(transport, settings, operation, type, responseId -> request.apply(authorization, responseId));
        } catch (VendorApiException e) {
            if (e.status() != 401) {
                throw e;
            }
            LOG.infof("ESET source %s: %s: access token rejected, signing in again", source, operation);
            tokens.invalidate();
            String renewed = tokens.authorization();
            return EsetExchange.call(transport, settings, operation, type, responseId -> request.apply(renewed, responseId));
        }
    }

    /**
     * The vendor ends paging with a missing, null or empty token (also the literal {@code ""}). A token
     * that cannot be sent back or kept in a checkpoint makes the page unreadable: the cycle fails
     * before committing it, instead of storing a token that fails every later cycle.
     */
    private String next(String operation, String pageToken) {
        if (pageToken == null || pageToken.isBlank() || pageToken.equals("\"\"")) {
            return null;
        }
        if (pageToken.length() > MAX_PAGE_TOKEN || pageToken.indexOf('\0') >= 0) {
            throw transport.error(operation, 200, "unreadable answer (nextPageToken of " + pageToken.length()
                    + " characters" + (pageToken.indexOf('\0') >= 0 ? ", with a NUL" : "") + ")", null);
        }
        return pageToken;
    }
}
