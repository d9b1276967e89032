package dev.taskruns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here or in CI, so the images are never built by the suite: this keeps the two
 * Dockerfiles buildable in what can be checked without one. Every file a COPY takes from the build
 * context must get past .dockerignore (or the build fails with "not found"), and the production
 * target must start from the AOT cache and refuse to build with one that does not fit.
 */
class DockerfilesTest {

    private static final Path DOCKER = Path.of("src/main/docker");

    @Test
    void everyCopiedFileIsInTheBuildContext() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            List<String> sources = instructions(dockerfile, "COPY").stream()
                    .filter(copy -> !copy.contains("--from="))
                    .flatMap(copy -> {
                        List<String> words = Arrays.stream(copy.split("\\s+")).filter(w -> !w.startsWith("--")).toList();
                        return words.subList(0, words.size() - 1).stream();
                    }).toList();
            assertThat(sources).as(dockerfile).isNotEmpty();
            for (String source : sources) {
                assertThat(ignore.admits(example(source))).as(dockerfile + ": COPY " + source).isTrue();
            }
        }
    }

    /** The matcher itself: what the context leaves out must come out as left out. */
    @Test
    void theIgnoreFileLeavesTheRestOut() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        assertThat(ignore.admits("target/quarkus-app/app.aot")).isTrue();
        assertThat(ignore.admits("target/classes/application.properties")).isFalse();
        assertThat(ignore.admits("README.md")).isFalse();
        assertThat(ignore.admits("k8s/base/deployment.yaml")).isFalse();
    }

    @Test
    void theProductionTargetStartsFromTheAotCacheAndChecksItFits() throws IOException {
        List<String> lines = logicalLines("Dockerfile.jvm");
        int prod = stage(lines, "prod");
        int demo = stage(lines, "demo");
        assertThat(prod).as("prod is the last stage, the one a plain docker build makes").isGreaterThan(demo);
        List<String> prodStage = lines.subList(prod, lines.size());
        assertThat(prodStage).anyMatch(line -> line.startsWith("COPY") && line.contains("target/quarkus-app/app.aot"));
        assertThat(prodStage).anyMatch(line -> line.startsWith("RUN") && line.contains("-XX:AOTCache=app.aot")
                && line.contains("-XX:AOTMode=on") && line.contains("-cp quarkus-run.jar"));
        assertThat(prodStage).anyMatch(line -> line.startsWith("ENTRYPOINT")
                && line.contains("\"-XX:AOTCache=app.aot\"") && line.contains("\"quarkus-run.jar\""));
        assertThat(lines.subList(demo, prod)).anyMatch(line -> line.startsWith("ENTRYPOINT")
                && !line.contains("AOTCache") && line.contains("\"quarkus-run.jar\""));
    }

    @Test
    void bothImagesExposeTheApiAndTheManagementPort() throws IOException {
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            assertThat(instructions(dockerfile, "EXPOSE")).as(dockerfile).containsExactly("8080 9000");
        }
    }

    /** A file the COPY source stands for: one inside a folder, a name for a wildcard. */
    private static String example(String source) {
        String path = source.replace("*", "example");
        return source.endsWith("/") || Files.isDirectory(Path.of(path)) ? path.replaceAll("/$", "") + "/example" : path;
    }

    private static int stage(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ") && lines.get(i).endsWith(" AS " + name)) {
                return i;
            }
        }
        throw new AssertionError("no stage " + name);
    }

    private static List<String> instructions(String dockerfile, String keyword) throws IOException {
        return logicalLines(dockerfile).stream().filter(line -> line.startsWith(keyword + " "))
                .map(line -> line.substring(keyword.length() + 1).trim()).toList();
    }

    /** Instructions with their continuation lines joined, comments and blank lines left out. */
    private static List<String> logicalLines(String dockerfile) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKER.resolve(dockerfile))) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                lines.add(current.append(trimmed).toString().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return lines;
    }

    /**
     * .dockerignore as Docker reads it: rules in order, the last one matching the path or one of its
     * parent folders decides, "!" admits again. Written here because no library on the test classpath
     * reads the format; globs are Java's, which agree with Docker's for the patterns this file uses.
     */
    private record DockerIgnore(List<String> rules) {

        static DockerIgnore read(Path file) throws IOException {
            return new DockerIgnore(Files.readAllLines(file).stream().map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList());
        }

        boolean admits(String path) {
            boolean admitted = true;
            for (String rule : rules) {
                boolean negated = rule.startsWith("!");
                var glob = FileSystems.getDefault().getPathMatcher("glob:" + (negated ? rule.substring(1) : rule));
                for (Path candidate = Path.of(path); candidate != null; candidate = candidate.getParent()) {
                    if (glob.matches(candidate)) {
                        admitted = negated;
                        break;
                    }
                }
            }
            return admitted;
        }
    }
}
