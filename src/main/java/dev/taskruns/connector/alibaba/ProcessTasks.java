package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * {@code DescribeProcessTasks} of one source. {@link AlibabaClient} is the HTTP implementation; the
 * seam lets the connector's windowing be tested without a server.
 */
interface ProcessTasks {

    /** One page: the tasks exactly as received and the vendor's paging. */
    record Page(List<JsonNode> tasks, int totalCount, int pageNumber, int pageSize) {
    }

    /** One call with these request parameters ({@code PageNumber}, {@code PageSize}, filters). */
    Page describe(Map<String, String> parameters);
}
