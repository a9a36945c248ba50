package dev.stevedore.apitest.contract;

import dev.stevedore.apitest.NetworkChild;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.internal.runtime.UserNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Networks of the rootless embedded engine, run as an ordinary user (the engine's rootless Failsafe execution): the
 * bridges live in ONE network namespace of the user's, held by one process for all of the user's JVMs. Containers on
 * a named network and on the default one reach each other by name and alias, and a server on the host's loopback
 * as {@code host.stevedore.internal} (through slirp4netns); two JVMs of the user share the
 * namespace (their containers talk), also when they start at once; {@code kill -9} of the only JVM leaves no holder,
 * and so no namespace or veth.
 */
class RootlessNetworksIT extends EngineContract {
    private static final String HTTPD = "mkdir -p /www && echo hello-port > /www/index.html && exec httpd -f -p 8080 -h /www";

    @TempDir
    static Path state;
    private final List<Process> children = new ArrayList<>();

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    @AfterEach
    void endChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void containersOnANamedNetworkReachEachOtherByAliasOverABridgeInTheUsersNamespace() throws IOException {
        String network = uniqueName("rootless-net");
        engine.createNetwork(new NetworkSpec(network, null, Map.of(RUN_LABEL, run), false));
        ContainerInfo web = started(busybox(HTTPD).networkMode(network).networkAlias("web"));
        ContainerInfo client = started(busybox(fetch("web")).networkMode(network));

        assertThat(exited(client.id()).exitCode()).isZero();
        assertThat(logTexts(client.id())).containsExactly("hello-port");
        String bridge = engine.inspectContainer(web.id()).networks().keySet().stream().findFirst().orElseThrow();
        assertThat(bridge).isEqualTo(network);
        List<Long> holders = holders(runtimeSocket());
        assertThat(holders).as("the holder of this user's namespaces").hasSize(1);
        String userLinks = Files.readString(Path.of("/proc", Long.toString(holders.get(0)), "net", "dev"));
        assertThat(userLinks).as("links in the user's network namespace").contains("stvd-").contains("stvv");
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(holders.get(0)), "ns", "net")))
                .as("the user's network namespace").isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
        engine.removeContainer(web.id(), true);
        engine.removeContainer(client.id(), true);
        engine.removeNetwork(network);
    }

    @Test
    void containersOnTheDefaultNetworkHaveAddressesAndReachEachOtherByName() {
        String server = uniqueName("server");
        ContainerInfo web = started(busybox(HTTPD).name(server));
        String address = engine.inspectContainer(web.id()).networks().get("bridge");
        assertThat(address).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");

        ContainerInfo client = started(busybox(fetch(server) + "; grep -w " + server + " /etc/hosts | cut -f 1"));

        assertThat(exited(client.id()).exitCode()).isZero();
        assertThat(logTexts(client.id())).containsExactly("hello-port", address);
        engine.removeContainer(web.id(), true);
        engine.removeContainer(client.id(), true);
    }

    @Test
    void aContainerReachesAServerOnTheHostsLoopbackAsHostStevedoreInternal() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try (Socket connection = server.accept()) {
                    connection.getOutputStream().write("hello-host\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the container's output shows the failure
                }
            });
            answering.setDaemon(true);
            answering.start();

            ContainerInfo client = started(busybox("nc -w 5 host.stevedore.internal " + server.getLocalPort() + " </dev/null"));

            assertThat(exited(client.id()).exitCode()).isZero();
            assertThat(logTexts(client.id())).containsExactly("hello-host");
            engine.removeContainer(client.id(), true);
        }
    }

    /**
     * DNS goes to slirp4netns's forwarder, which asks the host's name servers from the host's network namespace, so
     * even a host whose only server is on its loopback (systemd-resolved's 127.0.0.53) is served; names of peers
     * still come from the hosts file. The test bed's resolver answers NXDOMAIN for names it does not serve, and an
     * unprivileged test cannot run a name server on the host's port 53 nor change the host's resolv.conf: so an
     * NXDOMAIN answer through the forwarder (not "no servers could be reached") is what shows the path works.
     */
    @Test
    void aContainerAsksTheHostsNameServersThroughSlirp4netnsAndFindsPeersInItsHostsFile() {
        String server = uniqueName("named");
        ContainerInfo peer = started(busybox("sleep 600").name(server));
        String address = engine.inspectContainer(peer.id()).networks().get("bridge");

        ContainerInfo client = started(busybox("grep ^nameserver /etc/resolv.conf; nslookup stevedore-test.invalid 2>&1 | "
                + "grep -o -e NXDOMAIN -e 'no servers could be reached' | head -n 1; grep -w " + server + " /etc/hosts | cut -f 1"));

        assertThat(exited(client.id()).exitCode()).isZero();
        assertThat(logTexts(client.id())).containsExactly("nameserver " + UserNamespace.NAME_SERVER, "NXDOMAIN", address);
        engine.removeContainer(peer.id(), true);
        engine.removeContainer(client.id(), true);
    }

    @Test
    void twoJvmsOfTheUserShareOneNetworkNamespaceAndTheirContainersTalk() throws IOException {
        String network = uniqueName("shared-net");
        // the other JVM makes the network and serves on it; this JVM's container fetches from it by alias
        Process child = child(Map.of(), state.toString(), busyboxImage(), network, "other-jvm", "sh", "-c", HTTPD);
        assertThat(startedPid(child)).isPositive();

        ContainerInfo client = started(busybox(fetch("other-jvm")).networkMode(network));

        assertThat(exited(client.id()).exitCode()).isZero();
        assertThat(logTexts(client.id())).containsExactly("hello-port");
        assertThat(holders(runtimeSocket()))
                .as("namespace holders of this user's runtime directory").hasSize(1);
        engine.removeContainer(client.id(), true);
    }

    @Test
    void aSigkilledJvmLeavesNoHolderNoNetworkNamespaceAndNoVeth(@TempDir Path runtime) throws Exception {
        // its own runtime directory: the only JVM of its holder (this JVM holds the usual one)
        Process child = child(Map.of("XDG_RUNTIME_DIR", runtime.toString()), state.resolve("killed").toString(),
                busyboxImage(), uniqueName("killed-net"), "server", "sleep", "1000");
        long containerPid = startedPid(child);
        List<Long> holders = holders(runtime.resolve("stevedore").resolve("userns.sock").toString());
        assertThat(holders).as("the child's namespace holder").hasSize(1);
        long holder = holders.get(0);
        String netns = Files.readSymbolicLink(Path.of("/proc", Long.toString(holder), "ns", "net")).toString();
        assertThat(Files.readString(Path.of("/proc", Long.toString(holder), "net", "dev")))
                .as("the user's network namespace holds the bridge and the container's veth").contains("stvd-").contains("stvv");

        child.destroyForcibly();
        child.waitFor();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(alive(containerPid)).as("the container's pid 1").isFalse();
            assertThat(alive(holder)).as("the namespace holder").isFalse();
            assertThat(processesIn(netns)).as("processes still in the user's network namespace " + netns).isEmpty();
        });
        assertThat(runtime.resolve("stevedore").resolve("userns.sock")).as("the holder's socket").doesNotExist();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(runtime.toString()));
    }

    @Test
    void twoJvmsStartingAtOnceFindOneHolder(@TempDir Path runtime) throws Exception {
        // a runtime directory no holder serves yet: both JVMs race to start one
        String network = uniqueName("race-net");
        Map<String, String> environment = Map.of("XDG_RUNTIME_DIR", runtime.toString());
        Process first = child(environment, state.resolve("race").toString(), busyboxImage(), network, "first", "sleep", "1000");
        Process second = child(environment, state.resolve("race").toString(), busyboxImage(), network, "second", "sleep", "1000");
        assertThat(startedPid(first)).isPositive();
        assertThat(startedPid(second)).isPositive();

        List<Long> holders = holders(runtime.resolve("stevedore").resolve("userns.sock").toString());
        assertThat(holders).as("namespace holders of the two JVMs' runtime directory").hasSize(1);
        String links = Files.readString(Path.of("/proc", Long.toString(holders.get(0)), "net", "dev"));
        assertThat(links.lines().filter(l -> l.strip().startsWith("stvv")).count())
                .as("veths of both JVMs' containers in the one namespace:\n" + links).isEqualTo(2);
    }

    private Process child(Map<String, String> environment, String... arguments) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), NetworkChild.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process child = builder.start();
        children.add(child);
        return child;
    }

    private static long startedPid(Process child) throws IOException {
        String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the child JVM's report").startsWith("started ");
        return Long.parseLong(line.split(" ")[2]);
    }

    /** The socket of this user's holder in the runtime directory the engine picks (EngineSettings.runtimeDirectory). */
    private static String runtimeSocket() {
        return dev.stevedore.engine.EngineSettings.runtimeDirectory().resolve("userns.sock").toString();
    }

    /** Processes of the user's namespace holder ({@code launcher userns-hold SOCKET LOCK}) serving {@code socket}. */
    private static List<Long> holders(String socket) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    List<String> args = List.of(Files.readString(p.resolve("cmdline")).split("\0"));
                    return args.contains("userns-hold") && args.contains(socket);
                } catch (IOException e) {
                    return false; // ended meanwhile
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    private static List<Long> processesIn(String netns) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readSymbolicLink(p.resolve("ns").resolve("net")).toString().equals(netns);
                } catch (IOException e) {
                    return false; // another user's, or ended meanwhile
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    private static boolean alive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }

    private static String fetch(String host) {
        // the server may not listen yet when the client starts: its refusals are retried, not logged
        return "for i in $(seq 1 100); do out=$(printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + host
                + " 8080 2>/dev/null | tail -n 1); [ -n \"$out\" ] && break; sleep 0.1; done; echo \"$out\"";
    }
}
