package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Published ports of containers that outlive their JVM (labelled {@link ContainerSpec#KEEP_LABEL}, as the
 * CLI's are): a child JVM ({@link Child}) starts one and exits; its port keeps answering, served by a port
 * proxy process of the container's own, which any later engine stops with the container, and which the
 * next engine brings back when it was killed while the container runs. No proxy process is left behind.
 * Public API only, plus {@code /proc} to find the proxy processes.
 */
class NetworkKeptPortsIT {
    private static final String HTTPD = "mkdir -p /www && echo hello-kept > /www/index.html && exec httpd -f -p 80 -h /www";
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeContainersAndCheckNoProxyIsLeft() {
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            for (String id : containers) {
                try {
                    engine.removeContainer(id, true);
                } catch (RuntimeException alreadyGone) {
                    // removed by the test
                }
            }
        }
        for (String id : containers) {
            assertThat(proxyProcesses(id)).as("port proxy processes of container %s", id).isEmpty();
        }
        assertThat(proxyProcesses(ContainerTestbed.state().toString())).as("port proxy processes of this state directory").isEmpty();
    }

    @Test
    void aKeptContainersPortOutlivesItsJvmAndEndsWithTheContainer() throws Exception {
        Started started = startInChildJvm(true);
        assertThat(proxyProcesses(started.id())).as("its port proxy process").hasSize(1);

        assertThat(httpGet(started.port())).endsWith("hello-kept\n");
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            ContainerInfo info = engine.inspectContainer(started.id());
            assertThat(info.state().running()).isTrue();
            assertThat(info.ports()).as("the mapping, seen from another JVM")
                    .containsExactly(new PortBinding(80, "tcp", "127.0.0.1", started.port()));

            engine.stopContainer(started.id(), Duration.ofSeconds(1));

            assertThat(proxyProcesses(started.id())).as("the proxy goes with the container").isEmpty();
            assertFree(started.port());
            assertThat(engine.inspectContainer(started.id()).ports()).isEmpty();

            engine.startContainer(started.id());
            int again = engine.inspectContainer(started.id()).ports().get(0).hostPort();
            await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertThat(httpGet(again)).endsWith("hello-kept\n"));
            assertThat(proxyProcesses(started.id())).as("a kept container started again gets a proxy again").hasSize(1);

            engine.removeContainer(started.id(), true);

            assertThat(proxyProcesses(started.id())).isEmpty();
            assertFree(again);
        }
    }

    @Test
    void aPortProxyKilledWhileItsContainerRunsIsBackWithTheNextEngine() throws Exception {
        Started started = startInChildJvm(true);
        long proxy = proxyProcesses(started.id()).get(0);

        ProcessHandle.of(proxy).ifPresent(ProcessHandle::destroyForcibly);

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThatThrownBy(() -> httpGet(started.port())).isInstanceOf(ConnectException.class));
        try (ContainerEngine next = ContainerTestbed.engine()) {
            // an engine reaps and repairs at its first container or network call, not when it opens (so that
            // `stevedore images` does no container work): the inspect is that call
            assertThat(next.inspectContainer(started.id()).ports())
                    .containsExactly(new PortBinding(80, "tcp", "127.0.0.1", started.port()));
            assertThat(proxyProcesses(started.id())).as("a new proxy process").hasSize(1).doesNotContain(proxy);
            assertThat(httpGet(started.port())).as("on the same host port").endsWith("hello-kept\n");
        }
    }

    @Test
    void aPortProxyKilledWhileItsJvmRunsIsReplacedAtOnce() throws Exception {
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            ContainerInfo info = engine.runContainer(ContainerSpec.builder(busybox()).port(PortBinding.loopback(80))
                    .label(ContainerSpec.KEEP_LABEL, "true").cmd("sh", "-c", HTTPD).build());
            containers.add(info.id());
            int port = info.ports().get(0).hostPort();
            long proxy = proxyProcesses(info.id()).get(0);

            ProcessHandle.of(proxy).ifPresent(ProcessHandle::destroyForcibly);

            await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
                assertThat(proxyProcesses(info.id())).hasSize(1).doesNotContain(proxy);
                assertThat(httpGet(port)).endsWith("hello-kept\n");
            });
            engine.removeContainer(info.id(), true);
            assertFree(port);
        }
    }

    @Test
    void aContainerThatEndsByItselfTakesItsProxyWithIt() throws Exception {
        Started started = startInChildJvm(true);

        try (ContainerEngine engine = ContainerTestbed.engine()) {
            engine.killContainer(started.id(), "KILL");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(proxyProcesses(started.id())).isEmpty());
            assertFree(started.port());
        }
    }

    @Test
    void aKeptContainersUdpPortAnswersEachClientThroughItsProxyProcess() throws Exception {
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            ContainerInfo info = engine.runContainer(ContainerSpec.builder(busybox()).cmd("/udp-echo", "53")
                    .mount(Mount.bind(UdpEcho.binary().toString(), "/udp-echo", true))
                    .port(new PortBinding(53, "udp", "127.0.0.1", 0)).label(ContainerSpec.KEEP_LABEL, "true").build());
            containers.add(info.id());
            assertThat(info.ports()).hasSize(1);
            assertThat(info.ports().get(0).protocol()).isEqualTo("udp");
            int port = info.ports().get(0).hostPort();
            assertThat(proxyProcesses(info.id())).as("its port proxy process").hasSize(1);

            try (DatagramSocket first = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                 DatagramSocket second = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                await().atMost(PATIENCE).ignoreExceptions()
                        .untilAsserted(() -> assertThat(UdpEcho.ask(first, port, "one")).isEqualTo("echo one"));
                assertThat(UdpEcho.ask(second, port, "two")).isEqualTo("echo two");
                assertThat(UdpEcho.ask(first, port, "three")).isEqualTo("echo three");
            }
            engine.removeContainer(info.id(), true);
            assertThat(proxyProcesses(info.id())).isEmpty();
            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                assertThat(again.getLocalPort()).as("the udp port is free again").isEqualTo(port);
            }
        }
    }

    @Test
    void aContainerNotKeptIsServedByItsOwnJvmAndItsPortGoesWithIt() throws Exception {
        Started started = startInChildJvm(false);

        assertThat(proxyProcesses(started.id())).isEmpty();
        assertFree(started.port());
    }

    /** Runs an httpd container with port 80 published from a child JVM, which then closes its engine and exits. */
    private Started startInChildJvm(boolean keep) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                ContainerTestbed.state().toString(), busybox(), Boolean.toString(keep))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("the child JVM's report").startsWith("started ");
            String[] parts = line.split(" ");
            containers.add(parts[1]);
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child JVM exits").isTrue();
            assertThat(child.exitValue()).isZero();
            return new Started(parts[1], Integer.parseInt(parts[2]));
        } finally {
            child.destroyForcibly();
        }
    }

    private record Started(String id, int port) {
    }

    /** The pids of port proxy processes (the launcher's proxy mode) whose command line names this container (or state directory). */
    static List<Long> proxyProcesses(String containerId) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            String[] args = Files.readString(p.resolve("cmdline")).split("\0");
                            String stat = Files.readString(p.resolve("stat"));
                            char state = stat.charAt(stat.lastIndexOf(')') + 2);
                            return args.length > 2 && args[1].equals("proxy") && (args[0].contains("/launcher-") // run from a file, or from the JVM's sealed memfd
                            || Files.readSymbolicLink(p.resolve("exe")).toString().startsWith("/memfd:stevedore-launcher"))
                                    && String.join(" ", args).contains(containerId) && state != 'Z';
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertFree(int port) throws IOException {
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    private static String httpGet(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The child JVM: opens the embedded engine on the state directory it is given, runs busybox httpd with
     * port 80 published (kept or not, as told), waits until it answers through the published port, prints
     * {@code started <id> <host port>}, closes the engine and exits.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0])))) {
                ContainerSpec.Builder spec = ContainerSpec.builder(args[1]).port(PortBinding.loopback(80)).cmd("sh", "-c", HTTPD);
                if (Boolean.parseBoolean(args[2])) {
                    spec.label(ContainerSpec.KEEP_LABEL, "true");
                }
                ContainerInfo info = engine.runContainer(spec.build());
                int port = info.ports().get(0).hostPort();
                await().atMost(PATIENCE).ignoreExceptions().until(() -> httpGet(port).endsWith("hello-kept\n"));
                System.out.println("started " + info.id() + " " + port);
                System.out.flush();
            }
            System.exit(0);
        }
    }
}
