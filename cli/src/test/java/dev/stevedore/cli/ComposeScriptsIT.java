package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compose commands a team's scripts use beyond up and down — {@code port}, {@code run}, {@code stop},
 * {@code start}, {@code kill}, {@code rm}, {@code config} — with the same file through {@code stevedore compose} and
 * Debian's {@code docker-compose} on the test bed's dockerd, comparing what a script sees and asking dockerd what each
 * left; and on the embedded engine, where the port is connected to and the state read back from the engine.
 */
class ComposeScriptsIT extends ComposeRuns {
    private static final String FILE_TEXT = """
            services:
              web:
                image: ${BUSYBOX}
                command: ["httpd", "-f", "-p", "8080"]
                ports: ["8080"]
                depends_on: [db]
              db:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
            """;
    private static final String ONE_OFF = "echo out $WHO; echo err >&2; exit 3";

    private final String project = "csc" + Long.toHexString(System.nanoTime());

    @Test
    void scriptsSeeWhatDockerComposeShowsThemOnDockerd() throws Exception {
        Path file = file(FILE_TEXT);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String reference = project + "ref";
        try {
            // run before up: the service's dependencies start first, the service's own container is not made
            CliRunner.Result ours = stevedoreAttempt("-H", host, "compose", "-f", file.toString(), "-p", project,
                    "run", "--rm", "-e", "WHO=x", "web", "sh", "-c", ONE_OFF);
            CliRunner.Result theirs = attempt(host, "docker-compose", "-f", file.toString(), "-p", reference,
                    "run", "-T", "--rm", "-e", "WHO=x", "web", "sh", "-c", ONE_OFF);
            assertThat(theirs.exitCode()).as(theirs.toString()).isEqualTo(3);
            assertThat(theirs.out()).isEqualTo("out x\n");
            assertThat(ours.exitCode()).as(ours.toString()).isEqualTo(3);
            assertThat(ours.out()).isEqualTo("out x\n");
            assertThat(ours.err()).contains("err\n");
            assertThat(states(host, project)).containsExactly("db running");
            assertThat(states(host, reference)).containsExactly("db running");

            // without --rm the one-off stays, named as docker compose v2 names it
            compose(host, file, project, "run", "db", "true");
            List<String> oneOffs = run(host, "docker", "-H", host, "ps", "-a", "--filter", "label=com.docker.compose.project=" + project,
                    "--filter", "label=com.docker.compose.oneoff=True", "--format", "{{.Names}}").outLines();
            assertThat(oneOffs).singleElement().asString().matches(project + "-db-run-[0-9a-f]{12}");
            run(host, "docker", "-H", host, "rm", oneOffs.get(0));

            compose(host, file, project, "up", "-d");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");

            // port: HOST_IP:PORT on a line, the address dockerd gives (Stevedore publishes on loopback unless the file
            // names an address; docker-compose on all of them)
            String ourPort = compose(host, file, project, "port", "web", "8080").out();
            String theirPort = run(host, "docker-compose", "-f", file.toString(), "-p", reference, "port", "web", "8080").out();
            assertThat(theirPort).matches("0\\.0\\.0\\.0:\\d+\n");
            assertThat(ourPort).matches("127\\.0\\.0\\.1:\\d+\n");
            assertThat(run(host, "docker", "-H", host, "port", project + "-web-1", "8080/tcp").outLines()).contains(ourPort.strip());
            // a port not published: docker compose v2's error (docker-compose 1.x prints an empty line)
            CliRunner.Result unpublished = stevedoreAttempt("-H", host, "compose", "-f", file.toString(), "-p", project,
                    "port", "web", "9090");
            assertThat(unpublished.exitCode()).isEqualTo(1);
            assertThat(unpublished.err()).contains("no port 9090/tcp for container " + project + "-web-1");

            // stop leaves the container, exited; start runs it again
            compose(host, file, project, "stop", "-t", "1", "db");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "stop", "-t", "1", "db");
            assertThat(states(host, project)).containsExactly("db exited", "web running");
            assertThat(states(host, reference)).containsExactly("db exited", "web running");
            compose(host, file, project, "start", "db");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "start", "db");
            assertThat(states(host, project)).containsExactly("db running", "web running");
            assertThat(states(host, reference)).containsExactly("db running", "web running");

            // kill, then rm -f: the killed container removed, the running one left
            compose(host, file, project, "kill", "web");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "kill", "web");
            assertThat(states(host, project)).containsExactly("db running", "web exited");
            assertThat(states(host, reference)).containsExactly("db running", "web exited");
            compose(host, file, project, "rm", "-f", "web");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "rm", "-f", "web");
            assertThat(states(host, project)).containsExactly("db running");
            assertThat(states(host, reference)).containsExactly("db running");

            assertThat(compose(host, file, project, "config", "--services").outLines()).containsExactly("db", "web")
                    .isEqualTo(run(host, "docker-compose", "-f", file.toString(), "-p", reference, "config", "--services").outLines());
        } finally {
            compose(host, file, project, "down", "-v", "-t", "1");
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "down", "-v", "-t", "1");
        }
        assertThat(states(host, project)).isEmpty();
    }

    @Test
    void theSameCommandsOnTheEmbeddedEngine() throws Exception {
        Path file = file(FILE_TEXT);
        try {
            CliRunner.Result oneOff = stevedoreAttempt("--engine", "embedded", "compose", "-f", file.toString(), "-p", project,
                    "run", "--rm", "-e", "WHO=x", "web", "sh", "-c", ONE_OFF);
            assertThat(oneOff.exitCode()).as(oneOff.toString()).isEqualTo(3);
            assertThat(oneOff.out()).isEqualTo("out x\n");
            assertThat(embeddedStates()).containsExactly("db running");

            compose("embedded", file, project, "up", "-d");
            // nothing changed: a second up leaves both as they run
            assertThat(compose("embedded", file, project, "up", "-d").errLines())
                    .contains(" Container " + project + "-db-1  Running", " Container " + project + "-web-1  Running");
            String address = compose("embedded", file, project, "port", "web", "8080").out().strip();
            assertThat(address).matches("127\\.0\\.0\\.1:\\d+");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(address.substring(address.indexOf(':') + 1))), 10_000);
            }

            compose("embedded", file, project, "stop", "-t", "1", "web");
            assertThat(embeddedStates()).containsExactly("db running", "web exited");
            compose("embedded", file, project, "start", "web");
            assertThat(embeddedStates()).containsExactly("db running", "web running");
            String pulled = compose("embedded", file, project, "pull").err();
            assertThat(pulled).contains(" db  Pulled", " web  Pulled");
            compose("embedded", file, project, "restart", "-t", "1", "web");
            assertThat(embeddedStates()).containsExactly("db running", "web running");
            compose("embedded", file, project, "kill", "db");
            compose("embedded", file, project, "rm", "-f");
            assertThat(embeddedStates()).containsExactly("web running");
        } finally {
            compose("embedded", file, project, "down", "-v", "-t", "1");
        }
        assertThat(embeddedStates()).isEmpty();
    }

    @Test
    void upLeavesWhatDidNotChangeAndBringsUpOnlyWhatIsNamed() throws Exception {
        Path file = file(FILE_TEXT);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        try {
            compose(host, file, project, "up", "-d", "db");
            assertThat(states(host, project)).containsExactly("db running");

            compose(host, file, project, "up", "-d");
            List<String> first = ids(host);
            CliRunner.Result again = compose(host, file, project, "up", "-d");
            assertThat(again.errLines()).contains(" Container " + project + "-db-1  Running", " Container " + project + "-web-1  Running");
            assertThat(ids(host)).isEqualTo(first);

            compose(host, file, project, "up", "-d", "--force-recreate", "--no-deps", "web");
            List<String> recreated = ids(host);
            assertThat(recreated.get(0)).isEqualTo(first.get(0));
            assertThat(recreated.get(1)).isNotEqualTo(first.get(1));

            // a changed service is recreated, the other left alone
            Path changed = file(FILE_TEXT.replace("[\"sleep\", \"600\"]", "[\"sleep\", \"601\"]"));
            compose(host, changed, project, "up", "-d");
            assertThat(ids(host).get(0)).isNotEqualTo(first.get(0));
            assertThat(ids(host).get(1)).isEqualTo(recreated.get(1));
        } finally {
            compose(host, file, project, "down", "-v", "-t", "1");
        }
    }

    /** {@code SERVICE STATE} of the project's containers on dockerd, asked of dockerd, sorted. */
    private List<String> states(String host, String name) throws Exception {
        return run(host, "docker", "-H", host, "ps", "-a", "--filter", "label=com.docker.compose.project=" + name,
                "--format", "{{.Label \"com.docker.compose.service\"}} {{.State}}").outLines().stream().sorted().toList();
    }

    /** The ids of db's and web's containers on dockerd. */
    private List<String> ids(String host) throws Exception {
        return List.of(run(host, "docker", "-H", host, "inspect", "-f", "{{.Id}}", project + "-db-1").out().strip(),
                run(host, "docker", "-H", host, "inspect", "-f", "{{.Id}}", project + "-web-1").out().strip());
    }

    /** {@code SERVICE STATE} of the project's containers on the embedded engine, sorted. */
    private List<String> embeddedStates() throws Exception {
        return stevedore("--engine", "embedded", "ps", "-a", "--filter", "label=com.docker.compose.project=" + project,
                "--format", "{{.Label \"com.docker.compose.service\"}} {{.State}}").outLines().stream().sorted().toList();
    }
}
