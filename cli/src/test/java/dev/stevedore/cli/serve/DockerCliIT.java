package dev.stevedore.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code docker} CLI against {@code stevedore serve} (no dockerd anywhere): every command of issue 7's
 * list, each checked for what it prints and the exit code it returns. Images are named as users name them.
 */
@ExtendWith(SharedServe.class)
class DockerCliIT {
    private static final String ID = "[0-9a-f]{64}";
    /** A container script that waits, boundedly, until the test creates {@code /tmp/go} (with {@code docker exec}). */
    private static final String UNTIL_GO = "i=0; while [ ! -e /tmp/go ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done";

    private static ServeEndpoint endpoint;
    private static DockerCli docker;

    @TempDir
    Path scratch;
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    @BeforeAll
    static void connect(ServeEndpoint serve, @TempDir Path dockerConfig) {
        DockerCli.clientVersion();
        endpoint = serve;
        docker = new DockerCli(endpoint.dockerHost(), dockerConfig);
    }

    @AfterEach
    void removeWhatTheTestMade() {
        containers.forEach(name -> docker.run("rm", "-f", name));
        networks.forEach(name -> docker.run("network", "rm", name));
    }

    @Test
    void versionAndInfoComeFromTheServer() {
        DockerCli.Result version = docker.run("version", "--format", "{{.Server.Platform.Name}}|{{.Server.Os}}|{{.Server.APIVersion}}");
        DockerCli.Result info = docker.run("info", "--format", "{{.OSType}}|{{.Architecture}}|{{.CgroupVersion}}");

        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.out().strip()).as(version.toString()).matches((endpoint.isStevedore() ? "Stevedore Engine" : ".*") + "\\|linux\\|1\\.\\d+");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        // dockerd's rule, held by dockerd itself in this test: 2 on a unified /sys/fs/cgroup, else 1 (v1 or hybrid)
        String cgroupVersion = java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1";
        assertThat(info.out().strip()).as(info.toString())
                .isEqualTo("linux|" + System.getProperty("os.arch").replace("amd64", "x86_64") + "|" + cgroupVersion);
    }

    @Test
    void pullsAnImageNamedAsUsersNameItAndListsIt() {
        String busybox = endpoint.image("busybox");

        DockerCli.Result pull = docker.run("pull", busybox);

        assertThat(pull.exitCode()).as(pull.toString()).isZero();
        List<String> lines = pull.outLines();
        assertThat(lines.get(0)).as(pull.toString()).isEqualTo("Using default tag: latest");
        assertThat(lines.get(1)).as(pull.toString()).isEqualTo("latest: Pulling from library/busybox");
        assertThat(lines).as(pull.toString())
                .anyMatch(line -> line.matches("Digest: sha256:[0-9a-f]{64}"))
                .anyMatch(line -> line.matches("Status: (Downloaded newer image|Image is up to date) for " + Pattern.quote(busybox + ":latest")))
                .last().isEqualTo(endpoint.canonical("busybox"));
        if (pull.out().contains("Downloaded newer image")) {
            assertThat(lines).as("progress per layer: " + pull).anyMatch(line -> line.matches("[0-9a-f]{12}: Pull complete"));
        }

        DockerCli.Result images = docker.run("images");

        assertThat(images.exitCode()).as(images.toString()).isZero();
        assertThat(images.outLines().get(0)).as(images.toString()).matches("REPOSITORY +TAG +IMAGE ID +CREATED +SIZE");
        assertThat(images.outLines()).as(images.toString())
                .anyMatch(line -> line.matches(Pattern.quote(busybox) + " +latest +[0-9a-f]{12} +\\S.* +[0-9.]+[kMG]?B"));

        DockerCli.Result ids = docker.run("images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");

        assertThat(ids.outLines()).as(ids.toString()).anyMatch(line -> line.matches(Pattern.quote(busybox) + ":latest sha256:" + ID));
    }

    @Test
    void missingImagesAndContainersFailAsWithDockerd() {
        DockerCli.Result pull = docker.run("pull", endpoint.image("no-such-image:1"));
        DockerCli.Result run = docker.run("run", "--rm", endpoint.image("no-such-image:1"));
        DockerCli.Result logs = docker.run("logs", "no-such-container");
        DockerCli.Result exec = docker.run("exec", "no-such-container", "true");

        assertThat(pull.exitCode()).as(pull.toString()).isEqualTo(1);
        assertThat(pull.err()).as(pull.toString()).contains("no-such-image");
        assertThat(run.exitCode()).as("docker run's own failure: " + run).isEqualTo(125);
        assertThat(run.err()).as(run.toString()).contains("no-such-image");
        assertThat(logs.exitCode()).as(logs.toString()).isEqualTo(1);
        assertThat(logs.err()).as(logs.toString()).contains("No such container: no-such-container");
        assertThat(exec.exitCode()).as(exec.toString()).isNotZero();
        assertThat(exec.err()).as(exec.toString()).contains("No such container: no-such-container");
    }

    @Test
    void securityOptChoosesTheSeccompFilterAndInspectAndInfoSayWhich() throws Exception {
        Path profile = Files.writeString(scratch.resolve("deny-mkdir.json"), "{\"defaultAction\": \"SCMP_ACT_ALLOW\", "
                + "\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}");
        String status = "grep Seccomp: /proc/self/status";

        DockerCli.Result builtin = docker.run("run", "--rm", endpoint.image("busybox"), "sh", "-c", status);
        DockerCli.Result unconfined = docker.run("run", "--rm", "--security-opt", "seccomp=unconfined", endpoint.image("busybox"),
                "sh", "-c", status);
        DockerCli.Result custom = docker.run("run", "--rm", "--security-opt", "seccomp=" + profile, endpoint.image("busybox"),
                "sh", "-c", "mkdir /tmp/x; " + status);
        String name = container();
        DockerCli.Result created = docker.run("create", "--name", name, "--security-opt", "seccomp=unconfined", endpoint.image("busybox"));
        DockerCli.Result inspect = docker.run("inspect", "--format", "{{json .HostConfig.SecurityOpt}}", name);
        DockerCli.Result info = docker.run("info", "--format", "{{json .SecurityOptions}}");

        assertThat(builtin.out()).as(builtin.toString()).matches("Seccomp:\\s+2\n");
        assertThat(unconfined.out()).as(unconfined.toString()).matches("Seccomp:\\s+0\n");
        assertThat(custom.out()).as(custom.toString()).matches("Seccomp:\\s+2\n");
        assertThat(custom.err()).as(custom.toString()).contains("Permission denied");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(inspect.out().strip()).as(inspect.toString()).isEqualTo("[\"seccomp=unconfined\"]");
        assertThat(info.out()).as(info.toString()).contains(endpoint.isStevedore() ? "name=seccomp,profile=builtin" : "name=seccomp");
    }

    @Test
    void runWithRmKeepsTheExitCodeAndSeparatesTheStreams() {
        DockerCli.Result run = docker.run("run", "--rm", endpoint.image("busybox"), "sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.out()).as(run.toString()).isEqualTo("out\n");
        assertThat(run.err()).as(run.toString()).endsWith("err\n");
    }

    @Test
    void runWithRmStreamsOutputWhileTheContainerRunsAndRemovesIt() {
        String name = container();

        DockerCli.Running run = docker.start("run", "--rm", "--name", name, endpoint.image("busybox"),
                "sh", "-c", "echo first; " + UNTIL_GO + "; echo second");

        await("the first line while the container runs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .failFast("docker run ended", () -> !run.isAlive())
                .until(() -> run.out().equals("first\n"));
        assertThat(docker.run("exec", name, "touch", "/tmp/go").exitCode()).isZero();
        DockerCli.Result result = run.finish();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).as(result.toString()).isEqualTo("first\nsecond\n");
        DockerCli.Result all = docker.run("ps", "-a", "--format", "{{.Names}}");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.outLines()).as("--rm removed it").doesNotContain(name);
    }

    @Test
    void detachedPostgresIsPublishedOnALoopbackPortListedAndAnswersJdbc() throws Exception {
        String name = container();
        String postgres = endpoint.image("postgres:15");

        DockerCli.Result run = docker.run("run", "-d", "--name", name, "-p", "127.0.0.1::5432",
                "-e", "POSTGRES_PASSWORD=secret", postgres);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String id = run.outLines().get(run.outLines().size() - 1);
        assertThat(id).as(run.toString()).matches(ID);

        DockerCli.Result port = docker.run("port", name, "5432");

        assertThat(port.exitCode()).as(port.toString()).isZero();
        Matcher published = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(port.out().strip());
        assertThat(published.matches()).as(port.toString()).isTrue();
        int hostPort = Integer.parseInt(published.group(1));

        DockerCli.Result ps = docker.run("ps");

        assertThat(ps.exitCode()).as(ps.toString()).isZero();
        assertThat(ps.outLines().get(0)).as(ps.toString()).matches("CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES");
        assertThat(ps.outLines()).as(ps.toString()).anyMatch(line -> line.startsWith(id.substring(0, 12) + " ")
                && line.contains(" " + postgres + " ") && line.contains(" Up ")
                && line.contains("127.0.0.1:" + hostPort + "->5432/tcp") && line.endsWith(" " + name));

        String url = "jdbc:postgresql://127.0.0.1:" + hostPort + "/postgres";
        String answer = await("postgres answering on 127.0.0.1:" + hostPort).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> query(url, "SELECT 'answered ' || 6 * 7 || ' by ' || current_setting('server_version_num')"), value -> value != null);
        assertThat(answer).matches("answered 42 by 15\\d{4}");
    }

    /** Held so the setting lasts: pgjdbc logs each refused attempt while the server is still starting. */
    private static final java.util.logging.Logger PGJDBC_LOG = java.util.logging.Logger.getLogger("org.postgresql");

    private static String query(String url, String sql) throws Exception {
        PGJDBC_LOG.setLevel(java.util.logging.Level.OFF);
        try (Connection connection = DriverManager.getConnection(url, "postgres", "secret");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void logsFollowStreamsBothStreamsUntilTheContainerEnds() {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"),
                "sh", "-c", "echo one; echo two >&2; " + UNTIL_GO + "; echo three");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        DockerCli.Running follow = docker.start("logs", "-f", name);

        await("the lines so far").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .failFast("docker logs -f ended", () -> !follow.isAlive())
                .until(() -> follow.out().equals("one\n") && follow.err().equals("two\n"));
        assertThat(docker.run("exec", name, "touch", "/tmp/go").exitCode()).isZero();
        DockerCli.Result followed = follow.finish();

        assertThat(followed.exitCode()).as(followed.toString()).isZero();
        assertThat(followed.out()).as(followed.toString()).isEqualTo("one\nthree\n");
        assertThat(followed.err()).as(followed.toString()).isEqualTo("two\n");

        DockerCli.Result tail = docker.run("logs", "--tail", "1", name);

        assertThat(tail.out() + tail.err()).as(tail.toString()).isEqualTo("three\n");
    }

    @Test
    void execRunsInTheContainerWithItsEnvironmentStdinAndExitCode() {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"), "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String id = run.out().strip();

        DockerCli.Result hostname = docker.run("exec", name, "cat", "/etc/hostname");
        DockerCli.Result environment = docker.run("exec", "-e", "GREETING=hello", "-w", "/tmp", name, "sh", "-c", "echo $GREETING from $(pwd)");
        DockerCli.Result failing = docker.run("exec", name, "sh", "-c", "echo to-stderr >&2; exit 4");
        DockerCli.Result piped = docker.runWithInput("piped in\nsecond line\n".getBytes(StandardCharsets.UTF_8),
                "exec", "-i", name, "tr", "a-z", "A-Z");

        assertThat(hostname.exitCode()).as(hostname.toString()).isZero();
        assertThat(hostname.out()).as("the hostname is the short id").isEqualTo(id.substring(0, 12) + "\n");
        assertThat(environment.out()).as(environment.toString()).isEqualTo("hello from /tmp\n");
        assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(4);
        assertThat(failing.err()).as(failing.toString()).isEqualTo("to-stderr\n");
        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.out()).as("stdin reached the process and its end ended it").isEqualTo("PIPED IN\nSECOND LINE\n");
    }

    @Test
    void runWithDashIFeedsTheContainersStdinAndItsEndEndsIt() {
        DockerCli.Result cat = docker.runWithInput("hello\n".getBytes(StandardCharsets.UTF_8),
                "run", "--rm", "-i", endpoint.image("busybox"), "cat");
        DockerCli.Result read = docker.runWithInput("line\n".getBytes(StandardCharsets.UTF_8),
                "run", "--rm", "-i", endpoint.image("busybox"), "sh", "-c", "read l; echo got $l");
        byte[] dump = new byte[3 << 20];
        java.util.Arrays.fill(dump, (byte) 'd');
        DockerCli.Result counted = docker.runWithInput(dump, "run", "--rm", "-i", endpoint.image("busybox"), "wc", "-c");

        assertThat(cat.exitCode()).as(cat.toString()).isZero();
        assertThat(cat.out()).as(cat.toString()).isEqualTo("hello\n");
        assertThat(read.out()).as(read.toString()).isEqualTo("got line\n");
        assertThat(counted.exitCode()).as(counted.toString()).isZero();
        assertThat(counted.out().strip()).as(counted.toString()).isEqualTo(Integer.toString(dump.length));
    }

    @Test
    void execWithDashIAnswersLineByLine() throws Exception {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"), "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        DockerCli.Running shell = docker.startInteractive("exec", "-i", name, "sh", "-c", "while read l; do echo got-$l; done; echo bye");
        shell.input().write("first\n".getBytes(StandardCharsets.UTF_8));
        shell.input().flush();
        await("the first answer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .failFast("docker exec ended", () -> !shell.isAlive())
                .until(() -> shell.out().equals("got-first\n"));
        shell.input().write("second\n".getBytes(StandardCharsets.UTF_8));
        shell.input().flush();
        await("the second answer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .failFast("docker exec ended", () -> !shell.isAlive())
                .until(() -> shell.out().equals("got-first\ngot-second\n"));
        shell.input().close();
        DockerCli.Result ended = shell.finish();

        assertThat(ended.exitCode()).as(ended.toString()).isZero();
        assertThat(ended.out()).as(ended.toString()).isEqualTo("got-first\ngot-second\nbye\n");
    }

    @Test
    void cpCopiesFilesAndDirectoriesIntoAndOutOfAContainer() throws Exception {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"), "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Path in = Files.writeString(scratch.resolve("in.txt"), "to the container\n");
        Path tree = Files.createDirectories(scratch.resolve("tree/sub"));
        Files.writeString(tree.resolve("deep.txt"), "deep\n");

        DockerCli.Result fileIn = docker.run("cp", in.toString(), name + ":/tmp/in.txt");
        DockerCli.Result treeIn = docker.run("cp", scratch.resolve("tree").toString(), name + ":/tmp/");

        assertThat(fileIn.exitCode()).as(fileIn.toString()).isZero();
        assertThat(treeIn.exitCode()).as(treeIn.toString()).isZero();
        assertThat(docker.run("exec", name, "cat", "/tmp/in.txt", "/tmp/tree/sub/deep.txt").out()).isEqualTo("to the container\ndeep\n");

        DockerCli.Result made = docker.run("exec", name, "sh", "-c", "mkdir -p /out/d && echo from the container > /out/d/a.txt && echo b > /out/d/b.txt");
        assertThat(made.exitCode()).as(made.toString()).isZero();
        DockerCli.Result fileOut = docker.run("cp", name + ":/out/d/a.txt", scratch.resolve("a-copy.txt").toString());
        DockerCli.Result treeOut = docker.run("cp", name + ":/out/d", scratch.resolve("d-copy").toString());

        assertThat(fileOut.exitCode()).as(fileOut.toString()).isZero();
        assertThat(scratch.resolve("a-copy.txt")).hasContent("from the container");
        assertThat(treeOut.exitCode()).as(treeOut.toString()).isZero();
        assertThat(scratch.resolve("d-copy/a.txt")).hasContent("from the container");
        assertThat(scratch.resolve("d-copy/b.txt")).hasContent("b");

        DockerCli.Result missing = docker.run("cp", name + ":/no/such/file", scratch.resolve("x").toString());

        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.err()).as(missing.toString()).contains("/no/such/file");
    }

    @Test
    void stopEndsContainersGracefullyOrByKillAndRmRemovesThem() {
        String graceful = container();
        String stubborn = container();
        DockerCli.Result first = docker.run("run", "-d", "--name", graceful, endpoint.image("busybox"),
                "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        DockerCli.Result second = docker.run("run", "-d", "--name", stubborn, endpoint.image("busybox"), "sleep", "600");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(docker.run("ps", "--format", "{{.Names}} {{.State}}").outLines()).contains(graceful + " running", stubborn + " running");

        DockerCli.Result stopGraceful = docker.run("stop", graceful);
        DockerCli.Result stopStubborn = docker.run("stop", "-t", "1", stubborn);

        assertThat(stopGraceful.exitCode()).as(stopGraceful.toString()).isZero();
        assertThat(stopGraceful.out()).isEqualTo(graceful + "\n");
        assertThat(stopStubborn.exitCode()).as(stopStubborn.toString()).isZero();
        assertThat(stopStubborn.out()).isEqualTo(stubborn + "\n");
        assertThat(docker.run("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", graceful, stubborn).outLines())
                .as("SIGTERM ended the first; the second ignored it (pid 1 without a handler) and was killed")
                .containsExactly("exited 0", "exited 137");
        List<String> all = docker.run("ps", "-a", "--format", "{{.Names}}|{{.Status}}").outLines();
        assertThat(all).anyMatch(line -> line.matches(Pattern.quote(graceful) + "\\|Exited \\(0\\) .*ago"))
                .anyMatch(line -> line.matches(Pattern.quote(stubborn) + "\\|Exited \\(137\\) .*ago"));
        assertThat(docker.run("ps", "--format", "{{.Names}}").outLines()).doesNotContain(graceful, stubborn);

        DockerCli.Result rm = docker.run("rm", graceful, stubborn);

        assertThat(rm.exitCode()).as(rm.toString()).isZero();
        assertThat(rm.outLines()).containsExactly(graceful, stubborn);
        assertThat(docker.run("ps", "-a", "--format", "{{.Names}}").outLines()).doesNotContain(graceful, stubborn);
        DockerCli.Result gone = docker.run("inspect", graceful);
        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(1);
        assertThat(gone.err()).as(gone.toString()).contains("No such object: " + graceful);
    }

    @Test
    void waitPrintsTheExitCodeOfAContainerThatKillEnds() {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"), "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        DockerCli.Running waiting = docker.start("wait", name);
        DockerCli.Result kill = docker.run("kill", name);
        DockerCli.Result waited = waiting.finish();

        assertThat(kill.exitCode()).as(kill.toString()).isZero();
        assertThat(kill.out()).isEqualTo(name + "\n");
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
        assertThat(waited.out()).as("SIGKILL's exit code").isEqualTo("137\n");
    }

    @Test
    void publishAllPublishesExposedPortsOnLoopbackReachableFromTheHost() {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, "--expose", "8080", "-P", endpoint.image("busybox"),
                "sh", "-c", "while true; do echo hello-from-8080 | nc -l -p 8080; done");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        DockerCli.Result port = docker.run("port", name);

        assertThat(port.exitCode()).as(port.toString()).isZero();
        Matcher published = Pattern.compile("8080/tcp -> 127\\.0\\.0\\.1:(\\d+)").matcher(port.out().strip());
        assertThat(published.matches()).as(port.toString()).isTrue();
        int hostPort = Integer.parseInt(published.group(1));
        String line = await("a line through 127.0.0.1:" + hostPort).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> readLine(hostPort), value -> value != null);
        assertThat(line).isEqualTo("hello-from-8080");
    }

    private static String readLine(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            socket.setSoTimeout(5000);
            return in.readLine();
        }
    }

    @Test
    void rmRefusesARunningContainerUnlessForced() {
        String name = container();
        DockerCli.Result run = docker.run("run", "-d", "--name", name, endpoint.image("busybox"), "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        DockerCli.Result refused = docker.run("rm", name);
        DockerCli.Result forced = docker.run("rm", "-f", name);

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).as(refused.toString()).contains("running");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(forced.out()).isEqualTo(name + "\n");
        assertThat(docker.run("ps", "-a", "--format", "{{.Names}}").outLines()).doesNotContain(name);
    }

    @Test
    void containersOnAUserNetworkReachEachOtherByName() {
        String network = network();
        String server = container();

        DockerCli.Result created = docker.run("network", "create", network);

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out().strip()).matches(ID);
        assertThat(docker.run("network", "ls", "--format", "{{.Name}} {{.Driver}}").outLines()).contains(network + " bridge");

        DockerCli.Result serving = docker.run("run", "-d", "--name", server, "--network", network, endpoint.image("busybox"),
                "sh", "-c", "while true; do echo hello-from-" + server + " | nc -l -p 8080; done");
        assertThat(serving.exitCode()).as(serving.toString()).isZero();

        DockerCli.Result client = docker.run("run", "--rm", "--network", network, endpoint.image("busybox"), "sh", "-c",
                "i=0; while [ $i -lt 100 ]; do nc " + server + " 8080 </dev/null && exit 0; sleep 0.1; i=$((i+1)); done; exit 1");

        assertThat(client.exitCode()).as(client.toString()).isZero();
        assertThat(client.out()).as(client.toString()).isEqualTo("hello-from-" + server + "\n");

        DockerCli.Result busy = docker.run("network", "rm", network);

        assertThat(busy.exitCode()).as("a network with a container on it stays: " + busy).isEqualTo(1);
        assertThat(docker.run("rm", "-f", server).exitCode()).isZero();

        DockerCli.Result removed = docker.run("network", "rm", network);

        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(removed.out()).isEqualTo(network + "\n");
        assertThat(docker.run("network", "ls", "--format", "{{.Name}}").outLines()).doesNotContain(network);
    }

    /** A fresh container name, removed after the test. */
    private String container() {
        String name = "serve-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        containers.add(name);
        return name;
    }

    /** A fresh network name, removed after the test. */
    private String network() {
        String name = "serve-net-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        networks.add(name);
        return name;
    }
}
