package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A service with a {@code build:} through {@code stevedore compose build} and {@code up --build} on the test bed's
 * dockerd beside Debian's {@code docker-compose}: both build the image, a plain {@code up} leaves an image that exists
 * as it is, and {@code up --build} rebuilds it and recreates the container on the new one. What each container runs
 * is asked of dockerd; the images both built are removed.
 */
class ComposeBuildIT extends ComposeRuns {
    private static final String FILE_TEXT = """
            services:
              app:
                build:
                  context: ./app
                  args:
                    BASE: ${BUSYBOX}
                command: ["sleep", "600"]
            """;

    private final String project = "cbd" + Long.toHexString(System.nanoTime());

    @Test
    void upBuildsWhenAskedAndRecreatesOnTheNewImageAsDockerComposeDoes() throws Exception {
        Path file = file(FILE_TEXT);
        Path context = Files.createDirectories(scratch.resolve("app"));
        Files.writeString(context.resolve("Dockerfile"), dockerfile("one"));
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String reference = project + "ref";
        java.util.List<String> firstImages = new java.util.ArrayList<>();
        try {
            CliRunner.Result built = compose(host, file, project, "build");
            assertThat(built.errLines()).contains(" Image " + project + "-app  Built");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "build");
            // the images up --build leaves behind untagged, for the clean-up (docker-compose 1.x names its <project>_app)
            firstImages.add(run(host, "docker", "-H", host, "image", "inspect", "-f", "{{.Id}}", project + "-app").out().strip());
            firstImages.add(run(host, "docker", "-H", host, "image", "inspect", "-f", "{{.Id}}", reference + "_app").out().strip());
            assertThat(firstImages.get(0)).startsWith("sha256:");

            compose(host, file, project, "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");
            assertThat(version(host, project + "-app-1")).isEqualTo("one");
            assertThat(version(host, dockerComposeContainer(host, file, reference, "app"))).isEqualTo("one");

            // the Dockerfile changes: up alone keeps the image there is, up --build makes the new one and runs it
            Files.writeString(context.resolve("Dockerfile"), dockerfile("two"));
            compose(host, file, project, "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");
            assertThat(version(host, project + "-app-1")).isEqualTo("one");
            assertThat(version(host, dockerComposeContainer(host, file, reference, "app"))).isEqualTo("one");

            compose(host, file, project, "up", "-d", "--build");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d", "--build");
            assertThat(version(host, project + "-app-1")).isEqualTo("two");
            assertThat(version(host, dockerComposeContainer(host, file, reference, "app"))).isEqualTo("two");
        } finally {
            compose(host, file, project, "down", "-v", "-t", "1");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "down", "-v", "-t", "1", "--rmi", "local");
            attempt(host, "docker", "-H", host, "rmi", "-f", project + "-app");
            for (String image : firstImages) {
                attempt(host, "docker", "-H", host, "rmi", image);
            }
        }
        assertThat(attempt(host, "docker", "-H", host, "image", "inspect", project + "-app").exitCode()).isNotZero();
    }

    private static String dockerfile(String version) {
        return "ARG BASE\nFROM $BASE\nRUN echo " + version + " > /version\n";
    }

    /** What {@code /version} says in the running {@code container}, asked of dockerd. */
    private String version(String host, String container) throws Exception {
        return run(host, "docker", "-H", host, "exec", container, "cat", "/version").out().strip();
    }
}
