package dev.taskruns.connector.eset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A device from {@code devices:batchGet}; only what names a run. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record EsetDevice(String uuid, String displayName) {
}
