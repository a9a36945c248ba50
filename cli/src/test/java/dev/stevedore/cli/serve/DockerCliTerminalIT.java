package dev.stevedore.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.cli.PtyDriver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code docker} CLI on a real pseudo-terminal (python3's pty module plays the user) against {@code stevedore
 * serve}: {@code docker run -it} and {@code docker exec -it} give an interactive shell whose terminal has the user's
 * size and follows a resize (the CLI's {@code resize} calls), Ctrl-C interrupts the foreground program, a full-screen
 * program's escape sequences pass through the raw attach stream, and {@code docker run -dit} leaves a shell that a
 * later {@code docker attach} types into and leaves running with the detach keys (exit 1, as on dockerd). The same
 * class runs against the test bed's dockerd with {@code
 * -Dstevedore.serve.dockerHost=unix:///run/stevedore-testbed/docker.sock} (see {@link ServeEndpoint}).
 */
@ExtendWith(SharedServe.class)
class DockerCliTerminalIT {
    @TempDir
    static Path dockerConfig;
    private static ServeEndpoint endpoint;
    private static DockerCli docker;

    @TempDir
    Path scratch;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void connect(ServeEndpoint serve) {
        DockerCli.clientVersion();
        endpoint = serve;
        docker = new DockerCli(serve.dockerHost(), dockerConfig);
    }

    @AfterEach
    void removeWhatTheTestMade() {
        containers.forEach(name -> docker.run("rm", "-f", name));
    }

    private String name() {
        String name = "dct-" + Long.toHexString(System.nanoTime());
        containers.add(name);
        return name;
    }

    private PtyDriver.Terminal onTerminal(int rows, int columns, List<String> steps, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String inherited : List.of("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION")) {
            env.put(inherited, null);
        }
        env.put("DOCKER_HOST", endpoint.dockerHost());
        env.put("DOCKER_CONFIG", dockerConfig.toString());
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return PtyDriver.run(scratch, env, rows, columns, steps, command);
    }

    @Test
    void dockerRunItGivesAnInteractiveShell() throws Exception {
        PtyDriver.Terminal terminal = onTerminal(30, 100, PtyDriver.interactiveShell(),
                "run", "-it", "--name", name(), endpoint.image("busybox"), "sh");

        assertThat(terminal.failed()).as(terminal.screen()).isNull();
        assertThat(terminal.exitCode()).as(terminal.screen()).isEqualTo(7);
        assertThat(terminal.restored()).isTrue();
    }

    @Test
    void dockerRunTPassesAFullScreenProgramsEscapeSequences() throws Exception {
        PtyDriver.Terminal terminal = onTerminal(24, 80, List.of("exit"),
                "run", "-t", "--name", name(), endpoint.image("busybox"), "sh", "-c", "clear; printf '\\033[5;10Hmoved\\033[0m'");

        assertThat(terminal.failed()).as(terminal.screen()).isNull();
        assertThat(terminal.exitCode()).isZero();
        assertThat(terminal.screen()).contains("\u001b[H\u001b[J").contains("\u001b[5;10Hmoved\u001b[0m");
        // the log of a TTY container is the terminal's raw stream
        DockerCli.Result logs = docker.run("logs", containers.get(0));
        assertThat(logs.out()).contains("\u001b[5;10Hmoved\u001b[0m");
    }

    @Test
    void dockerExecItRunsOnATerminalOfItsOwn() throws Exception {
        String name = name();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"), "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        PtyDriver.Terminal exec = onTerminal(33, 77, List.of(
                "expect # ",
                "send stty size; tty; echo exec-$((8+8))\\r",
                "expect 33 77\\r\\n/dev/pts/\\d+\\r\\nexec-16",
                "resize 20 50",
                "repeat 20 50\\r\\nagain-4 ;; stty size; echo again-$((2+2))\\r",
                "send exit 4\\r",
                "exit"),
                "exec", "-it", name, "sh");

        assertThat(exec.failed()).as(exec.screen()).isNull();
        assertThat(exec.exitCode()).as(exec.screen()).isEqualTo(4);
        assertThat(exec.restored()).isTrue();
    }

    @Test
    void dockerRunDitLeavesAShellThatDockerAttachTypesIntoAndTheDetachKeysLeaveRunning() throws Exception {
        String name = name();
        DockerCli.Result run = docker.run("run", "-dit", "--name", name, endpoint.image("busybox"), "sh");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        // an exec takes a while: the shell had all that time to read an end of file, had its stdin one
        assertThat(docker.run("exec", name, "sh", "-c", "echo exec-$((1+2))").out()).isEqualTo("exec-3\n");

        PtyDriver.Terminal attach = onTerminal(24, 80, List.of(
                "repeat hi-42 ;; echo hi-$((40+2))\\r", // typed again until the answer shows: the attach may still connect
                "send \\x10\\x11",
                "exit"),
                "attach", name);

        assertThat(attach.failed()).as(attach.screen()).isNull();
        // the docker CLI takes the detach keys itself, and its attach (unlike its run) says so and exits 1, as on dockerd
        assertThat(attach.screen()).contains("hi-42").contains("read escape sequence");
        assertThat(attach.exitCode()).as(attach.screen()).isEqualTo(1);
        assertThat(docker.run("inspect", "-f", "{{.State.Running}}", name).out().strip()).isEqualTo("true");
        assertThat(docker.run("exec", name, "sh", "-c", "echo again-$((2+2))").out()).isEqualTo("again-4\n");
    }
}
