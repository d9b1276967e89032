package dev.taskruns.connector.eset;

import java.net.URI;
import java.util.List;

/** ESET Connect regions and the hosts each one derives (vendor docs: {region}.automation.eset.systems). */
final class EsetRegions {

    static final List<String> NAMES = List.of("eu", "de", "us", "jpn", "ca");

    private EsetRegions() {
    }

    static boolean isKnown(String region) {
        return NAMES.contains(region);
    }

    static URI automationUrl(String region) {
        return URI.create("https://" + region + ".automation.eset.systems");
    }

    static URI tokenUrl(String region) {
        return URI.create("https://" + region + ".business-account.iam.eset.systems/oauth/token");
    }

    static URI deviceManagementUrl(String region) {
        return URI.create("https://" + region + ".device-management.eset.systems");
    }
}
