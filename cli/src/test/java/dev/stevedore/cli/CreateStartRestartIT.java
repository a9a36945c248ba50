package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create}, {@code start} and {@code restart} through the packaged command: on the embedded engine, and on the
 * test bed's dockerd with dockerd's own answers read by the docker CLI.
 */
class CreateStartRestartIT {
    private static String busybox;
    private static String host;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String name = "csr-" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void findTestbed() {
        LocalTestbed testbed = LocalTestbed.load();
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        host = "unix://" + testbed.get("DOCKER_SOCKET");
    }

    private CliRunner.Result stevedore(List<String> engine, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(engine);
        command.addAll(List.of(args));
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of(), command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    @Test
    void createdIsNotRunningUntilStartedAndRestartRunsItAgain() throws Exception {
        List<String> embedded = List.of("--engine", "embedded");
        try {
            String id = stevedore(embedded, "create", "--name", name, busybox, "sh", "-c", "echo started; exec sleep 60").out().strip();
            assertThat(id).matches("[0-9a-f]{64}");
            assertThat(stevedore(embedded, "ps", "-a", "--filter", "name=" + name).out()).contains(" Created ");
            assertThat(stevedore(embedded, "ps", "-q").outLines()).doesNotContain(id.substring(0, 12));

            assertThat(stevedore(embedded, "start", name).outLines()).containsExactly(name);
            assertThat(stevedore(embedded, "ps", "-q").outLines()).contains(id.substring(0, 12));
            assertThat(stevedore(embedded, "restart", "-t", "1", name).outLines()).containsExactly(name);
            assertThat(stevedore(embedded, "ps", "-q").outLines()).contains(id.substring(0, 12));
            assertThat(stevedore(embedded, "logs", name).out()).isEqualTo("started\nstarted\n");
        } finally {
            stevedore(embedded, "rm", "-f", name);
        }
    }

    @Test
    void onDockerdWhatDockerSeesFollowsEachStep() throws Exception {
        List<String> docker = List.of("-H", host);
        try {
            String id = stevedore(docker, "create", "--name", name, busybox, "sh", "-c", "echo started; exec sleep 60").out().strip();
            assertThat(DockerCli.inspect(host, scratch, "{{.Id}} {{.State.Status}}", name)).isEqualTo(id + " created");

            stevedore(docker, "start", name);
            String firstStart = DockerCli.inspect(host, scratch, "{{.State.Status}} {{.State.StartedAt}}", name);
            assertThat(firstStart).startsWith("running ");

            stevedore(docker, "restart", "-t", "1", name);
            String secondStart = DockerCli.inspect(host, scratch, "{{.State.Status}} {{.State.StartedAt}}", name);
            assertThat(secondStart).startsWith("running ").isNotEqualTo(firstStart);
        } finally {
            stevedore(docker, "rm", "-f", name);
        }
    }

    /** The docker CLI against the test bed's dockerd. */
    private static final class DockerCli {
        static String inspect(String host, Path scratch, String format, String container) throws Exception {
            Process process = new ProcessBuilder("docker", "--config", scratch.resolve("docker-config").toString(), "-H", host,
                    "inspect", "--format", format, container).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor()).as(out).isZero();
            return out;
        }
    }
}
