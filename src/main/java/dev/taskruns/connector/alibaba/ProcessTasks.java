package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * {@code DescribeProcessTasks} of one source. {@link AlibabaClient} is the HTTP implementation; the
 * seam lets the connector's windowing be tested without a server.
 */
interface ProcessTasks {

    /** One page: the tasks exactly as received, and how many tasks the query matches in all. */
    record Page(List<JsonNode> tasks, int totalCount) {
    }

    /** One call with these request parameters ({@code PageNumber}, {@code PageSize}, filters). */
    Page describe(Map<String, String> parameters);
}
