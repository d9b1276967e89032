package dev.taskruns.connector.alibaba.simulator;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** x-acs-signature-nonce values seen per AccessKeyId within the last 15 minutes of real time. */
final class Nonces {

    private final Map<String, LinkedHashMap<String, Instant>> seen = new HashMap<>();

    /** Records the nonce; false if it was already used in the window. */
    synchronized boolean firstUse(String keyId, String nonce, Instant realNow) {
        LinkedHashMap<String, Instant> recent = seen.computeIfAbsent(keyId, k -> new LinkedHashMap<>());
        Instant horizon = realNow.minus(SignatureCheck.WINDOW);
        // insertion order is time order: drop from the oldest until one is young enough
        for (Iterator<Instant> it = recent.values().iterator(); it.hasNext() && it.next().isBefore(horizon); ) {
            it.remove();
        }
        return recent.putIfAbsent(nonce, realNow) == null;
    }

    synchronized void clear() {
        seen.clear();
    }
}
