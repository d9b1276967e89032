package dev.taskruns.connector.eset.simulator;

import java.time.Instant;

record SimDevice(String uuid, String displayName, String ipAddress, Instant lastSyncTime) {
}
