package dev.taskruns.support;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The vendors' own API files, in the shared {@code vendor-apis} folder beside the project
 * ({@code ../shared/vendor-apis/<vendor>/<file>}, relative to the project root, where Maven runs the tests).
 * Missing on a developer's machine, a conformance test is skipped with the reason; missing in CI
 * ({@code CI=true}), where it is always laid out, it fails rather than passing without checking anything.
 */
public final class VendorSpecs {

    private static final Path ROOT = Path.of("..", "shared", "vendor-apis");

    private VendorSpecs() {
    }

    public static Path file(String vendor, String name) {
        Path file = ROOT.resolve(vendor).resolve(name);
        if (!Files.isRegularFile(file)) {
            String why = "vendor file " + file.toAbsolutePath().normalize() + " is missing (the shared vendor-apis folder "
                    + "next to the project); conformance not checked";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return file;
    }
}
