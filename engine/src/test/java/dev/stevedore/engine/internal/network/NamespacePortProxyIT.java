package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The port proxy process joining a namespace holder's network namespace after binding on the host (launcher proxy
 * {@code -n}, for rootless engines): an echo server listens on 127.0.0.1 inside a network namespace of its own, which
 * the host cannot reach, and the proxy's host port reaches it. As root with a namespace made by {@code unshare --net},
 * and as the ordinary user {@code nobody} with namespaces it made itself ({@code unshare -Urn}) and a proxy running
 * as it, which must join the user namespace first.
 */
class NamespacePortProxyIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String NOBODY = "65534";

    @TempDir
    Path directory;

    private final List<Process> servers = new ArrayList<>();
    private final List<ProcessIdentity> proxies = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (ProcessIdentity proxy : proxies) {
            ProxyProcess.stop(proxy);
        }
        for (Process server : servers) {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void asRootTheProxyConnectsInsideTheNetworkNamespaceOfTheHolder() throws Exception {
        int port = freeHostPort();
        Process server = echoServerInNamespace(List.of("unshare", "--net", "--"), port);
        assertThatThrownBy(() -> ProxyProcessTest.roundTrip(port, "x")).as("the server is not on the host's loopback")
                .isInstanceOf(ConnectException.class);

        PortPublisher publisher = ProcessPortPublisher.insideNamespaceOf(() -> LauncherBinary.extract(directory.resolve("state")),
                server::pid);
        PortPublisher.Served served = publisher.publish("c1", directory, identity(server),
                List.of(new ProxyProcess.Forward("tcp", "127.0.0.1", 0, "127.0.0.1", port)));
        proxies.add(served.process());

        assertThat(served.process()).isNotNull();
        assertThat(ProxyProcessTest.roundTrip(served.ports().get(0), "inside-the-namespace")).isEqualTo("inside-the-namespace");
        assertThat(namespace(served.process().pid(), "net")).as("the proxy's network namespace")
                .isEqualTo(namespace(server.pid(), "net")).isNotEqualTo(namespace(ProcessHandle.current().pid(), "net"));
        assertThat(namespace(served.process().pid(), "user")).as("no user namespace to join as root")
                .isEqualTo(namespace(ProcessHandle.current().pid(), "user"));

        publisher.stop("c1", new NetworkStore.ProxyRecord(served.process().pid(), served.process().startTime(), 0, 0));
        assertThat(served.process().isAlive()).isFalse();
    }

    @Test
    void asAnOrdinaryUserTheProxyJoinsTheUsersOwnUserAndNetworkNamespaces() throws Exception {
        int port = freeHostPort();
        Process server = echoServerInNamespace(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "unshare", "-Urn", "--"), port);
        Path asNobody = launcherAsNobody();

        ProxyProcess.Started started = ProxyProcess.start(asNobody, asNobody.getParent(), identity(server),
                List.of(new ProxyProcess.Forward("tcp", "127.0.0.1", 0, "127.0.0.1", port)), null, server.pid());
        proxies.add(started.process());

        assertThat(ProxyProcessTest.roundTrip(started.ports().get(0), "rootless")).isEqualTo("rootless");
        assertThat(Files.getAttribute(Path.of("/proc", Long.toString(started.process().pid())), "unix:uid"))
                .as("the proxy runs as nobody").isEqualTo(65534);
        assertThat(namespace(started.process().pid(), "user")).isEqualTo(namespace(server.pid(), "user"));
        assertThat(namespace(started.process().pid(), "net")).isEqualTo(namespace(server.pid(), "net"));

        server.destroyForcibly().waitFor();
        await().atMost(PATIENCE).until(() -> !started.process().isAlive());
    }

    @Test
    void aHolderWhoseNamespacesCannotBeJoinedIsReportedAndNothingStaysRunning() throws Exception {
        int port = freeHostPort();
        Process server = echoServerInNamespace(List.of("unshare", "--net", "--"), port);
        Path asNobody = launcherAsNobody();

        // nobody may not enter root's namespaces
        assertThatThrownBy(() -> ProxyProcess.start(asNobody, asNobody.getParent(), identity(server),
                List.of(new ProxyProcess.Forward("tcp", "127.0.0.1", 0, "127.0.0.1", port)), null, server.pid()))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot join the namespaces of process " + server.pid())
                .hasMessageContaining("must run as the user who owns that process");
        await().atMost(PATIENCE).until(() -> ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("proxy")).orElse(false))
                .noneMatch(ProcessHandle::isAlive));
    }

    /**
     * A copy of the launcher that nobody may run, behind a script that starts it through setpriv as nobody (so the
     * proxy itself runs as nobody), in a directory nobody may watch (the proxy's record directory).
     */
    private Path launcherAsNobody() throws IOException {
        Path shared = Files.createDirectory(directory.resolve("shared"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path launcher = shared.resolve("launcher");
        Files.copy(LauncherBinary.extract(directory.resolve("state")), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path asNobody = shared.resolve("launcher-as-nobody");
        Files.writeString(asNobody, "#!/bin/sh\nexec setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups "
                + launcher + " \"$@\"\n");
        Files.setPosixFilePermissions(asNobody, PosixFilePermissions.fromString("rwxr-xr-x"));
        return asNobody;
    }

    /** busybox nc echoing on the port (the namespace's only address is its loopback) inside the network namespace {@code prefix} makes; running once it listens. */
    private Process echoServerInNamespace(List<String> prefix, int port) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("sh", "-c", "ip link set lo up && exec busybox nc -ll -p " + port + " -e cat"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        servers.add(server);
        long pid = server.pid();
        await().atMost(PATIENCE).until(() -> listensInside(pid, port) || !server.isAlive());
        assertThat(server.isAlive()).as("the echo server in a namespace of its own runs").isTrue();
        return server;
    }

    /** Whether the process's network namespace has a tcp socket listening on the port ({@code /proc/PID/net/tcp*}). */
    private static boolean listensInside(long pid, int port) throws IOException {
        String hex = String.format(":%04X ", port);
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "tcp")));
            lines.addAll(Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "tcp6"))); // busybox listens on ::
            return lines.stream().anyMatch(l -> l.contains(hex) && l.trim().split("\\s+")[3].equals("0A"));
        } catch (java.nio.file.NoSuchFileException ended) {
            return false;
        }
    }

    private static String namespace(long pid, String kind) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", kind)).toString();
    }

    private static int freeHostPort() {
        return dev.stevedore.engine.testbed.Ports.freeLoopbackPort();
    }

    private static ProcessIdentity identity(Process process) {
        return ProcessIdentity.of(process.pid()).orElseThrow();
    }
}
