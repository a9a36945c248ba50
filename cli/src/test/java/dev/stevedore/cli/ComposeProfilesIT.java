package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code profiles:} through {@code stevedore compose --profile} on the test bed's dockerd beside Debian's
 * {@code docker-compose} with the same file and flags: the same services get containers, and a service depending
 * on one no active profile enables is refused by both.
 */
class ComposeProfilesIT extends ComposeRuns {
    private static final String FILE_TEXT = """
            services:
              app:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
              debug:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
                profiles: [debug]
              admin:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
                profiles: [admin]
            """;

    private final String project = "cpr" + Long.toHexString(System.nanoTime());

    @Test
    void theSameServicesStartAsWithDockerComposeForTheSameProfiles() throws Exception {
        Path file = file(FILE_TEXT);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String reference = project + "ref";
        List<List<String>> seen = new ArrayList<>();
        try {
            compose(host, file, project, "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");
            seen.add(services(host, project));
            seen.add(services(host, reference));

            compose(host, file, project, "--profile", "debug", "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "--profile", "debug", "up", "-d");
            seen.add(services(host, project));
            seen.add(services(host, reference));
        } finally {
            compose(host, file, project, "down", "-t", "1");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "--profile", "debug", "--profile", "admin",
                    "down", "-t", "1");
        }

        assertThat(seen).containsExactly(List.of("app"), List.of("app"), List.of("app", "debug"), List.of("app", "debug"));
    }

    @Test
    void dependingOnADisabledServiceIsRefusedByBothNamingBoth() throws Exception {
        Path file = file("""
                services:
                  app:
                    image: ${BUSYBOX}
                    command: ["sleep", "600"]
                    depends_on: [db]
                  db:
                    image: ${BUSYBOX}
                    command: ["sleep", "600"]
                    profiles: [db]
                """);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        CliRunner.Result ours = stevedoreAttempt("-H", host, "compose", "-f", file.toString(), "-p", project, "up", "-d");
        CliRunner.Result theirs = attempt(host, "docker-compose", "-f", file.toString(), "-p", project + "ref", "up", "-d");
        try {
            assertThat(theirs.exitCode()).as(theirs.toString()).isNotZero();
            assertThat(theirs.err()).contains("\"db\"", "\"app\"");
            assertThat(ours.exitCode()).as(ours.toString()).isNotZero();
            assertThat(ours.err()).contains("service \"app\": depends on \"db\", which is not enabled by the active profiles");
            assertThat(services(host, project)).isEmpty();
            assertThat(services(host, project + "ref")).isEmpty();
        } finally {
            compose(host, file, project, "down", "-t", "1");
            attempt(host, "docker-compose", "-f", file.toString(), "-p", project + "ref", "--profile", "db", "down", "-t", "1");
        }
    }

    /** The services of {@code project} that have a container on dockerd, asked of dockerd, sorted. */
    private List<String> services(String host, String project) throws Exception {
        return run(host, "docker", "-H", host, "ps", "-a", "--filter", "label=com.docker.compose.project=" + project,
                "--format", "{{.Label \"com.docker.compose.service\"}}").outLines().stream().sorted().toList();
    }
}
