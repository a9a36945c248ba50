package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stevedore compose} as a user runs it (the packaged command) with the compose file the DSL's {@code ComposeIT}
 * also runs: on the embedded engine, and on the test bed's dockerd, where dockerd and Debian's {@code docker-compose}
 * are asked what Stevedore made, so the layout is docker compose's own.
 */
class ComposeCommandIT {
    private static final Path FILE = Path.of("../dsl/src/test/resources/compose/webdb/compose.yaml").toAbsolutePath().normalize();
    private static final String SERVED = "db says from-dotenv\nmigrated\ncompose as 0\n";
    private static final Pattern WEB_PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)->8080/tcp");

    private static LocalTestbed testbed;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String project = "cli" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void findTestbed() {
        testbed = LocalTestbed.load();
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    private CliRunner.Result compose(String engine, String... args) throws IOException, InterruptedException {
        return compose(FILE, engine, args);
    }

    private CliRunner.Result compose(Path file, String engine, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(engine.equals("embedded") ? List.of("--engine", "embedded") : List.of("-H", engine));
        command.addAll(List.of("compose", "-f", file.toString(), "-p", project));
        command.addAll(List.of(args));
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of("BUSYBOX", busybox), command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    @Test
    void upPsExecLogsAndDownOnTheEmbeddedEngine() throws Exception {
        try {
            CliRunner.Result up = compose("embedded", "up", "-d");
            assertThat(up.errLines()).containsSubsequence(" Network " + project + "_default  Created",
                    " Container " + project + "-db-1  Healthy", " Container " + project + "-migrate-1  Exited",
                    " Container " + project + "-web-1  Started");

            CliRunner.Result ps = compose("embedded", "ps");
            assertThat(ps.outLines().get(0)).matches("NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS");
            assertThat(ps.out()).contains(project + "-db-1").contains(project + "-web-1").doesNotContain("migrate");
            Matcher port = WEB_PORT.matcher(ps.out());
            assertThat(port.find()).as(ps.toString()).isTrue();
            assertThat(get(Integer.parseInt(port.group(1)))).isEqualTo(SERVED);
            assertThat(compose("embedded", "ps", "-a").out()).containsPattern(project + "-migrate-1 .* Exited \\(0\\)");
            assertThat(compose("embedded", "ps", "--services").outLines()).containsExactly("db", "web");

            assertThat(compose("embedded", "exec", "web", "cat", "index.html").out()).isEqualTo(SERVED);
            assertThat(compose("embedded", "logs", "db").outLines()).containsExactly("db-1  | db ready");
        } finally {
            CliRunner.Result down = compose("embedded", "down", "-v", "-t", "1");
            assertThat(down.errLines()).contains(" Container " + project + "-web-1  Removed",
                    " Network " + project + "_backend  Removed", " Volume " + project + "_data  Removed");
        }
        assertThat(compose("embedded", "ps", "-a", "-q").out()).isEmpty();
    }

    @Test
    void onDockerdTheProjectIsOneThatDockerComposeKnows() throws Exception {
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        try {
            compose(host, "up", "-d");

            List<String> ours = compose(host, "ps", "-a", "-q").outLines();
            assertThat(ours).hasSize(3);
            // the reference tool finds the same containers as this project's, and reads their state as we do
            assertThat(run(host, "docker-compose", "-f", FILE.toString(), "-p", project, "ps", "-q").outLines())
                    .containsExactlyInAnyOrderElementsOf(ours);
            assertThat(run(host, "docker-compose", "-f", FILE.toString(), "-p", project, "ps").out())
                    .containsPattern(project + "-db-1 .* Up").containsPattern(project + "-migrate-1 .* Exit 0");
            String published = run(host, "docker", "-H", host, "port", project + "-web-1", "8080").outLines().get(0);
            assertThat(get(Integer.parseInt(published.substring(published.lastIndexOf(':') + 1)))).isEqualTo(SERVED);
            assertThat(compose(host, "exec", "-T", "web", "wget", "-q", "-O", "-", "http://database:5432/").out())
                    .isEqualTo("db says from-dotenv\n");
        } finally {
            compose(host, "down", "-v", "-t", "1");
        }
        String label = "label=com.docker.compose.project=" + project;
        assertThat(run(host, "docker", "-H", host, "ps", "-a", "-q", "--filter", label).out()).isEmpty();
        assertThat(run(host, "docker", "-H", host, "network", "ls", "-q", "--filter", label).out()).isEmpty();
        assertThat(run(host, "docker", "-H", host, "volume", "ls", "-q", "--filter", label).out()).isEmpty();
    }

    /**
     * A service stops before the services it depends on, as docker compose stops them (asked of Debian's docker-compose
     * on dockerd with the same file): {@code app} depends on {@code zdb}, which sorts after it by name.
     */
    @Test
    void downStopsAServiceBeforeWhatItDependsOn() throws Exception {
        Path file = scratch.resolve("order.yaml");
        Files.writeString(file, """
                services:
                  zdb:
                    image: ${BUSYBOX}
                    command: ["sleep", "600"]
                  app:
                    image: ${BUSYBOX}
                    command: ["sleep", "600"]
                    depends_on: [zdb]
                """);
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String reference = project + "ref";
        CliRunner.Result theirs;
        try {
            run(host, "docker-compose", "-f", file.toString(), "-p", reference, "up", "-d");
        } finally {
            theirs = run(host, "docker-compose", "-f", file.toString(), "-p", reference, "down", "-t", "1");
        }
        CliRunner.Result ours;
        try {
            compose(file, "embedded", "up", "-d");
        } finally {
            ours = compose(file, "embedded", "down", "-t", "1");
        }

        assertThat(theirs.errLines()).as("docker-compose's order").filteredOn(line -> line.startsWith("Stopping "))
                .first().asString().contains("_app_1");
        assertThat(ours.errLines()).containsSubsequence(" Container " + project + "-app-1  Stopped",
                " Container " + project + "-zdb-1  Stopped");
    }

    private static String get(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Runs docker or docker-compose against the test bed's dockerd; must succeed. */
    private CliRunner.Result run(String host, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = new HashMap<>(Map.of("DOCKER_HOST", host, "BUSYBOX", busybox));
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
        CliRunner.Result result = new CliRunner.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertThat(result.exitCode()).as("%s: %s", List.of(command), result).isZero();
        return result;
    }
}
