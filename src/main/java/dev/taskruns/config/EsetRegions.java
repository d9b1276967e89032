package dev.taskruns.config;

import java.net.URI;
import java.util.List;

/** ESET Connect regions and the hosts each one derives (vendor docs: {region}.automation.eset.systems). */
public final class EsetRegions {

    static final List<String> NAMES = List.of("eu", "de", "us", "jpn", "ca");

    private EsetRegions() {
    }

    static boolean isKnown(String region) {
        return NAMES.contains(region);
    }

    public static URI automationUrl(String region) {
        return URI.create("https://" + region + ".automation.eset.systems");
    }

    public static URI tokenUrl(String region) {
        return URI.create("https://" + region + ".business-account.iam.eset.systems/oauth/token");
    }

    public static URI deviceManagementUrl(String region) {
        return URI.create("https://" + region + ".device-management.eset.systems");
    }
}
