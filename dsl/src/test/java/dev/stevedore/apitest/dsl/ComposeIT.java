package dev.stevedore.apitest.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * One compose file ({@code compose/webdb}: a healthcheck-gated database reached by its alias, a job that must finish
 * first, a named volume, an env file, {@code .env} and defaults) brought up three ways, for one observable result: what
 * the web service serves. Stevedore on the embedded engine, Stevedore on the test bed's dockerd (asked about by the
 * docker CLI), and Debian's {@code docker-compose} on the same dockerd as the reference.
 */
class ComposeIT {
    /** db's greeting from .env, "migrated" from the job through the volume, web's env_file and user. */
    private static final String SERVED = "db says from-dotenv\nmigrated\ncompose as 0\n";
    private static final Path FILE = Path.of("src/test/resources/compose/webdb/compose.yaml").toAbsolutePath();

    private static String busybox() {
        return Testbed.get().plainRegistry() + "/library/busybox:latest";
    }

    private static Path dockerSocket() {
        return Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
    }

    private static String project() {
        return "webdb" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Environment environment(String project) {
        return Stevedore.compose(FILE, c -> c
                .projectName(project)
                .variable("BUSYBOX", busybox())
                .service("web", s -> s.waitFor(Wait.http("/").port(8080).bodyContains("compose"))));
    }

    @Test
    void theFileRunsOnTheEmbeddedEngine() throws Exception {
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment())) {
            runServed(engine, (project, env) -> {
                ContainerHandle web = env.container("web");
                assertThat(web.exec("sh", "-c", "echo $WEB_TITLE; touch /data/x 2>&1 || echo read-only").stdout())
                        .startsWith("compose\n").contains("read-only");
                assertThat(engine.inspectContainer(env.container("migrate").id()).state().exitCode()).isZero();
                assertThat(env.container("db").info().labels()).containsEntry("example.role", "db")
                        .containsEntry("com.docker.compose.project", project);
            });
        }
    }

    @Test
    void theFileRunsOnDockerdThroughStevedore() throws Exception {
        Path socket = dockerSocket();
        try (ContainerEngine engine = ContainerEngine.detect(EngineSettings.fromEnvironment(),
                Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", "unix://" + socket))) {
            runServed(engine, (project, env) -> {
                // dockerd's own view: the containers of the project, by the compose labels, and web on both networks
                assertThat(DockerCli.run(socket, "ps", "-a", "--filter", "label=com.docker.compose.project=" + project,
                        "--format", "{{.Label \"com.docker.compose.service\"}} {{.State}}"))
                        .containsExactlyInAnyOrder("db running", "migrate exited", "web running");
                String networks = String.join("", DockerCli.run(socket, "inspect", "--format",
                        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", env.container("web").id()));
                assertThat(networks).contains(project + "_backend-").contains(project + "_default-");
                assertThat(DockerCli.run(socket, "inspect", "--format", "{{.State.ExitCode}}", env.container("migrate").id()))
                        .containsExactly("0");
            });
        }
    }

    /** Brings the file up on {@code engine}, checks what web serves, then {@code more}; removes the project's volume. */
    private static void runServed(ContainerEngine engine, BiConsumer<String, Environment> more) throws Exception {
        String project = project();
        try (Environment env = environment(project).start(engine)) {
            assertThat(get(env.container("web").port(8080))).isEqualTo(SERVED);
            more.accept(project, env);
        } finally {
            engine.removeVolume(project + "_data", true);
        }
    }

    @Test
    void debiansDockerComposeServesTheSameFromTheSameFile() throws Exception {
        String project = project();
        Path socket = dockerSocket();
        try {
            compose(socket, project, "up", "-d");
            String published = compose(socket, project, "port", "web", "8080").get(0);
            int port = Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
            // docker-compose up -d returns once web is started, not once httpd listens: nothing better to wait on
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> get(port).contains("compose"));
            assertThat(get(port)).isEqualTo(SERVED);
        } finally {
            compose(socket, project, "down", "-v", "-t", "1");
        }
    }

    private static String get(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Runs Debian's docker-compose (v1) against the test bed's dockerd; its output lines. */
    private static List<String> compose(Path socket, String project, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", FILE.toString(), "-p", project));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", "unix://" + socket);
        builder.environment().put("BUSYBOX", busybox());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is not installed: testbed/up installs Debian's docker-compose", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("docker-compose %s ended", command).isTrue();
        assertThat(process.exitValue()).as("docker-compose %s: %s", command, output).isZero();
        return output.lines().filter(l -> !l.isBlank()).toList();
    }
}
