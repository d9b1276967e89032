package dev.taskruns.connector.eset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** Wire records of the ESET Connect APIs: only the fields this service reads; unknown ones are ignored. */
final class EsetDtos {

    private EsetDtos() {
    }

    /** The secret fields are kept out of {@code toString()} so a stray log line cannot leak them. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TokenResponse(@JsonProperty("access_token") String accessToken,
                         @JsonProperty("refresh_token") String refreshToken,
                         @JsonProperty("expires_in") Long expiresIn) {
        @Override
        public String toString() {
            return "TokenResponse[expiresIn=" + expiresIn + "]";
        }
    }

    /** Tasks stay JSON trees until EsetTask.from reads them one by one (a malformed one is one bad record). */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TaskList(List<JsonNode> tasks, String nextPageToken) {
    }

    /** Runs stay JSON trees: the store keeps each one exactly as received. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RunList(List<JsonNode> taskRuns, String nextPageToken) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeviceList(List<EsetDevice> devices) {
    }
}
