package dev.stevedore.serve.internal;

import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code stevedore serve} rootless, driven by the real docker CLI: an ordinary user (this class runs in serve's
 * {@code rootless} Failsafe execution, as the test bed's {@code stevedore-rootless}) starts serve in a JVM of its
 * own with a runtime directory of its own ({@code XDG_RUNTIME_DIR}) and no options, and uses it with
 * {@code DOCKER_HOST=unix://...}: run --rm, run -d + logs + exec + rm -f, a network whose containers talk by name, a
 * published port reached from the host, a volume. Once serve stops, nothing of it is left: no process, no
 * network namespace (and so no bridge or veth), no mount, no socket. No root, no dockerd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RootlessServeDockerCliIT {
    private static final String HTTPD = "mkdir -p /www && echo hello-serve > /www/index.html && exec httpd -f -p 8080 -h /www";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path directory;
    private Path runtime;
    private Process serve;
    private Path socket;
    private String busybox;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void startServeAsTheUser() throws IOException {
        assertThat(effectiveUid()).as("RootlessServeDockerCliIT runs as an ordinary user, through serve's rootless Failsafe "
                + "execution (engine/src/test/rootless/bin/java); this JVM runs as root").isNotZero();
        runtime = Files.createDirectory(directory.resolve("runtime"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), ServeChild.class.getName(), directory.resolve("state").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        serve = builder.start();
        String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("serve's first line").isEqualTo("serving " + runtime.resolve("stevedore").resolve("docker.sock"));
        socket = runtime.resolve("stevedore").resolve("docker.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .as("the runtime directory holding the socket").isEqualTo("rwx------");
        busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
        docker("pull", "-q", busybox);
    }

    @AfterAll
    void stopServe() throws InterruptedException {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly();
            serve.waitFor();
        }
    }

    /**
     * {@code docker info} says what rootless dockerd says of itself (its security options name rootless) and where the
     * state is: the user's own directory, not root's; the cgroup version is the host's by dockerd's rule (DockerCliIT
     * holds the rule against dockerd).
     */
    @Test
    @Order(0)
    void infoSaysRootlessAndWhereTheStateIs() {
        String cgroupVersion = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1";

        assertThat(docker("info", "--format", "{{json .SecurityOptions}}|{{.DockerRootDir}}|{{.CgroupVersion}}"))
                .containsExactly("[\"name=seccomp,profile=builtin\",\"name=rootless\"]|" + directory.resolve("state")
                        + "|" + cgroupVersion);
    }

    @Test
    @Order(1)
    void runRemoveEchoes() {
        String name = "rm-" + run;

        assertThat(docker("run", "--rm", "--name", name, busybox, "echo", "hello-rootless")).containsExactly("hello-rootless");
        assertThat(docker("ps", "-aq", "--filter", "name=" + name)).as("the --rm container afterwards").isEmpty();
    }

    @Test
    @Order(2)
    void aDetachedContainerHasLogsTakesExecsRunsUnderTheUsersIdsAndIsRemovedByRmF() throws IOException {
        String name = "detached-" + run;
        String id = docker("run", "-d", "--name", name, busybox, "sh", "-c", "echo started; exec sleep 600").get(0);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(docker("logs", name)).containsExactly("started"));
        assertThat(docker("exec", name, "sh", "-c", "id -u; cat /proc/1/cmdline | tr '\\0' ' '"))
                .containsExactly("0", "sleep 600 ");
        long pid = Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", name).get(0));
        assertThat(uidOf(pid)).as("the host's view of the container's root").isEqualTo(effectiveUid());
        docker("rm", "-f", id);

        assertThat(docker("ps", "-aq", "--filter", "name=" + name)).as("the container after rm -f").isEmpty();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("its pid 1 after rm -f").isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    @Order(3)
    void containersOnACreatedNetworkTalkByName() {
        String network = "net-" + run;
        String server = "web-" + run;
        docker("network", "create", network);
        docker("run", "-d", "--network", network, "--name", server, busybox, "sh", "-c", HTTPD);

        List<String> fetched = docker("run", "--rm", "--network", network, busybox, "sh", "-c", fetch(server));

        assertThat(fetched).containsExactly("hello-serve");
        assertThat(docker("network", "inspect", "-f", "{{range .Containers}}{{.Name}}{{end}}", network)).containsExactly(server);
        docker("rm", "-f", server);
        docker("network", "rm", network);
        assertThat(docker("network", "ls", "-q", "--filter", "name=" + network)).isEmpty();
    }

    @Test
    @Order(4)
    void aPublishedPortIsReachedFromTheHostsLoopback() {
        String name = "port-" + run;
        docker("run", "-d", "-p", "127.0.0.1::8080", "--name", name, busybox, "sh", "-c", HTTPD);
        String binding = docker("port", name, "8080/tcp").get(0);
        assertThat(binding).startsWith("127.0.0.1:");
        int port = Integer.parseInt(binding.substring(binding.lastIndexOf(':') + 1));

        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertThat(httpGet(port)).endsWith("hello-serve\n"));
        docker("rm", "-f", name);
    }

    @Test
    @Order(5)
    void aVolumeKeepsWhatOneContainerWroteForTheNext() {
        String volume = "vol-" + run;
        docker("volume", "create", volume);

        docker("run", "--rm", "-v", volume + ":/data", busybox, "sh", "-c", "echo kept > /data/file");
        assertThat(docker("run", "--rm", "-v", volume + ":/data", busybox, "cat", "/data/file")).containsExactly("kept");

        docker("volume", "rm", volume);
        assertThat(docker("volume", "ls", "-q", "--filter", "name=" + volume)).isEmpty();
    }

    @Test
    @Order(6)
    void onceServeStopsNothingOfItIsLeft() throws Exception {
        // a container left running, as a user who stops serve with work still going would leave it
        docker("run", "-d", "--name", "left-" + run, busybox, "sleep", "600");
        long containerPid = Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", "left-" + run).get(0));
        List<Long> holders = holders();
        assertThat(holders).as("the namespace holder of serve's runtime directory").hasSize(1);
        String netns = Files.readSymbolicLink(Path.of("/proc", holders.get(0).toString(), "ns", "net")).toString();
        List<ProcessHandle> descendants = serve.descendants().toList();
        assertThat(descendants).as("processes serve started").isNotEmpty();

        serve.getOutputStream().close(); // as Ctrl-C: serve closes the server, then the engine
        assertThat(serve.waitFor(120, TimeUnit.SECONDS)).as("serve ended within 120 s of being told to stop").isTrue();

        assertThat(serve.exitValue()).as("serve's exit status").isZero();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(descendants.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
                    .as("processes serve started, still running").isEmpty();
            assertThat(ProcessHandle.of(containerPid).map(ProcessHandle::isAlive)).as("the container left running")
                    .isNotEqualTo(java.util.Optional.of(true));
            assertThat(holders()).as("the namespace holder").isEmpty();
            assertThat(processesIn(netns)).as("processes in the user's network namespace (its bridges and veths with it)").isEmpty();
        });
        assertThat(socket).as("serve's socket").doesNotExist();
        assertThat(runtime.resolve("stevedore").resolve("userns.sock")).as("the holder's socket").doesNotExist();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("mounts of serve's directories")
                .noneMatch(l -> l.contains(directory.toString()));
    }

    /** Runs the docker CLI with {@code DOCKER_HOST=unix://SOCKET}; its non-blank output lines. */
    private List<String> docker(String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", "unix://" + socket);
        builder.environment().put("DOCKER_CONFIG", directory.resolve("docker-config").toString());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("DOCKER_HOST=unix://" + socket + " " + String.join(" ", command) + " failed: " + output);
            }
            return output.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new AssertionError("running the docker CLI failed (is Debian's docker.io installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** Processes of the namespace holder ({@code launcher userns-hold SOCKET ...}) of serve's runtime directory. */
    private List<Long> holders() throws IOException {
        String holderSocket = runtime.resolve("stevedore").resolve("userns.sock").toString();
        return processes(p -> List.of(Files.readString(p.resolve("cmdline")).split("\0")).containsAll(List.of("userns-hold", holderSocket)));
    }

    private static List<Long> processesIn(String netns) throws IOException {
        return processes(p -> Files.readSymbolicLink(p.resolve("ns").resolve("net")).toString().equals(netns));
    }

    private interface ProcessTest {
        boolean test(Path proc) throws IOException;
    }

    private static List<Long> processes(ProcessTest test) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return test.test(p);
                } catch (IOException e) {
                    return false; // another user's, or ended meanwhile
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    /** The effective uid of {@code pid} as the host sees it. */
    private static long uidOf(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("Uid:"))
                .map(l -> Long.parseLong(l.substring(4).strip().split("\\s+")[1])).findFirst().orElseThrow();
    }

    private static long effectiveUid() {
        try {
            return uidOf(ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
    }

    private static String httpGet(int port) throws IOException {
        try (Socket connection = new Socket(InetAddress.getLoopbackAddress(), port)) {
            connection.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(connection.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Prints the last line of {@code GET /index.html} from {@code host}:8080, retrying while the server starts. */
    private static String fetch(String host) {
        return "for i in $(seq 1 100); do out=$(printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + host
                + " 8080 2>/dev/null | tail -n 1); [ -n \"$out\" ] && break; sleep 0.1; done; echo \"$out\"";
    }
}
