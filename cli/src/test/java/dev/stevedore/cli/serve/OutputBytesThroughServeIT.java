package dev.stevedore.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.testbed.Testbed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container's output through {@code stevedore serve}, byte for byte as the same docker CLI gets it from the test
 * bed's dockerd: {@code docker run} attached (multiplexed and on a TTY, {@code --log-driver none} too), {@code docker
 * logs} (whole, {@code --tail}, {@code -t}) and {@code docker exec}, for binary output (every byte value) that ends
 * without a newline.
 */
@ExtendWith(SharedServe.class)
class OutputBytesThroughServeIT {
    private static ServeEndpoint endpoint;
    private static DockerCli serve;
    private static DockerCli dockerd;

    private final List<String> names = new ArrayList<>();

    @BeforeAll
    static void connect(ServeEndpoint server, @TempDir Path serveConfig, @TempDir Path dockerdConfig) {
        DockerCli.clientVersion();
        endpoint = server;
        serve = new DockerCli(server.dockerHost(), serveConfig);
        dockerd = new DockerCli("unix://" + Testbed.get().value("DOCKER_SOCKET"), dockerdConfig);
    }

    @AfterEach
    void removeWhatTheTestMade() {
        for (String name : names) {
            serve.run("rm", "-f", name);
            dockerd.run("rm", "-f", name);
        }
    }

    private String name(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        names.add(name);
        return name;
    }

    /** Runs {@code args} through both, each with its own name for busybox; fails unless both exit 0. */
    private DockerCli.Result[] both(String... args) {
        DockerCli.Result fromDockerd = ok(dockerd.run(busybox(args, Testbed.get().plainRegistry() + "/library/busybox")));
        DockerCli.Result fromServe = ok(serve.run(busybox(args, endpoint.image("busybox"))));
        return new DockerCli.Result[] {fromDockerd, fromServe};
    }

    private static String[] busybox(String[] args, String image) {
        return java.util.Arrays.stream(args).map(arg -> arg.equals("BUSYBOX") ? image : arg).toArray(String[]::new);
    }

    private static DockerCli.Result ok(DockerCli.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    @Test
    void runAttachedGivesTheBytesAsDockerdDoes() {
        DockerCli.Result[] run = both("run", "--rm", "BUSYBOX", "sh", "-c", BinaryOutput.SCRIPT);

        assertThat(run[0].stdout()).as("docker run on dockerd").isEqualTo(BinaryOutput.stdout());
        assertThat(run[1].stdout()).isEqualTo(run[0].stdout());
        assertThat(run[1].err()).endsWith(BinaryOutput.STDERR);
        assertThat(run[0].err()).endsWith(BinaryOutput.STDERR);
    }

    @Test
    void runWithLogDriverNoneShowsTheBytesAsDockerdDoesThoughItsLogsAreRefused() {
        String name = name("bytes-none");
        DockerCli.Result[] run = both("run", "--name", name, "--log-driver", "none", "BUSYBOX", "sh", "-c", BinaryOutput.SCRIPT);
        DockerCli.Result[] tty = both("run", "--rm", "-t", "--log-driver", "none", "BUSYBOX", "printf", "a\\nb\\377");

        // dockerd's attach stream does not pass through the log driver
        assertThat(run[0].stdout()).as("docker run on dockerd").isEqualTo(BinaryOutput.stdout());
        assertThat(run[1].stdout()).isEqualTo(run[0].stdout());
        assertThat(run[0].err()).endsWith(BinaryOutput.STDERR);
        assertThat(run[1].err()).endsWith(BinaryOutput.STDERR);
        assertThat(tty[0].stdout()).as("docker run -t on dockerd").isEqualTo(new byte[] {'a', '\r', '\n', 'b', (byte) 0377});
        assertThat(tty[1].stdout()).isEqualTo(tty[0].stdout());
        for (DockerCli cli : List.of(dockerd, serve)) {
            DockerCli.Result logs = cli.run("logs", name);
            assertThat(logs.exitCode()).as(logs.toString()).isNotZero();
            assertThat(logs.err()).as(logs.toString()).contains("configured logging driver does not support reading");
        }
    }

    @Test
    void runOnATtyAndItsLogsGiveTheTerminalsBytesAsDockerdDoes() {
        String name = name("bytes-tty");
        DockerCli.Result[] run = both("run", "-t", "--name", name, "--log-driver", "local", "BUSYBOX", "sh", "-c",
                "printf 'a\\377b\\nlast'");
        DockerCli.Result[] logs = both("logs", name);

        // the terminal turns \n into \r\n
        byte[] shown = {'a', (byte) 0377, 'b', '\r', '\n', 'l', 'a', 's', 't'};
        assertThat(run[0].stdout()).isEqualTo(shown);
        assertThat(run[1].stdout()).isEqualTo(shown);
        assertThat(logs[0].stdout()).isEqualTo(shown);
        assertThat(logs[1].stdout()).isEqualTo(shown);
    }

    @Test
    void logsGiveTheBytesAsDockerdsLocalDriverKeepsThem() {
        // dockerd's json-file gives bytes that are not UTF-8 back as U+FFFD; its local driver keeps them
        String name = name("bytes-logs");
        both("run", "--name", name, "--log-driver", "local", "BUSYBOX", "sh", "-c", BinaryOutput.STDOUT_ONLY);

        for (List<String> args : List.of(List.of("logs", name), List.of("logs", "--tail", "1", name), List.of("logs", "--tail", "3", name))) {
            DockerCli.Result[] logs = both(args.toArray(String[]::new));
            assertThat(logs[1].stdout()).as(String.join(" ", args)).isEqualTo(logs[0].stdout());
            assertThat(logs[1].err()).as(String.join(" ", args)).isEqualTo(logs[0].err());
        }
        DockerCli.Result[] timed = both("logs", "-t", name);
        assertThat(BinaryOutput.withoutTimes(timed[1].stdout())).isEqualTo(BinaryOutput.withoutTimes(timed[0].stdout()));
        assertThat(BinaryOutput.withoutTimes(timed[0].stdout())).startsWith("T \0").endsWith("\nT last");
    }

    @Test
    void execGivesTheBytesAsDockerdDoes() {
        String name = name("bytes-exec");
        both("run", "-d", "--name", name, "BUSYBOX", "sleep", "120");

        DockerCli.Result[] exec = both("exec", name, "sh", "-c", BinaryOutput.SCRIPT);

        assertThat(exec[0].stdout()).isEqualTo(BinaryOutput.stdout());
        assertThat(exec[1].stdout()).isEqualTo(exec[0].stdout());
        assertThat(exec[1].err()).isEqualTo(exec[0].err()).isEqualTo(BinaryOutput.STDERR);
    }
}
