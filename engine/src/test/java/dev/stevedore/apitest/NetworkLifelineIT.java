package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JVM killed with SIGKILL while its container runs on a network with a published port: its port, veth
 * and address go, and the next engine on the state directory finds the network intact and the container
 * stopped, without an address. Public API only; the child JVM is {@link Child}.
 */
class NetworkLifelineIT {
    private Process child;
    private String container;
    private String network;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
        // After a failure half-way: the state directory is deleted when this JVM ends, its bridge would stay.
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            if (container != null) {
                try {
                    engine.removeContainer(container, true);
                } catch (RuntimeException alreadyGone) {
                    // removed by the test
                }
            }
            if (network != null) {
                try {
                    engine.removeNetwork(network);
                } catch (RuntimeException alreadyGone) {
                    // removed by the test
                }
            }
        }
    }

    @Test
    void aKilledJvmLeavesNoPortNoVethAndNoAddressBehind() throws Exception {
        Path state = ContainerTestbed.state();
        network = "lifeline-" + System.nanoTime();
        String java = ProcessHandle.current().info().command().orElseThrow();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), state.toString(),
                busybox(), network).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the child JVM's report").startsWith("started ");
        String[] parts = line.split(" ");
        String id = parts[1];
        container = id;
        long pid = Long.parseLong(parts[2]);
        int port = Integer.parseInt(parts[3]);

        String bridge;
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            NetworkInfo info = engine.inspectNetwork(network);
            assertThat(info.containers().get(id)).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
            bridge = "stvd-" + info.id().substring(0, 10);
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> echoes(port));
        assertThat(ports(bridge)).as("the container's veth on the bridge").hasSize(1);

        child.destroyForcibly().waitFor();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(ports(bridge)).as("veths left on " + bridge).isEmpty();
        });
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }

        try (ContainerEngine next = ContainerTestbed.engine()) {
            // the dead JVM's container is gone with its address; the network it made stays until removed
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> next.inspectContainer(id))
                    .isInstanceOf(dev.stevedore.engine.ContainerNotFoundException.class);
            assertThat(next.inspectNetwork(network).containers()).isEmpty();
            next.removeNetwork(network);
        }
        assertThat(Path.of("/sys/class/net", bridge)).doesNotExist();
    }

    private static List<String> ports(String bridge) throws IOException {
        try (Stream<Path> ports = Files.list(Path.of("/sys/class/net", bridge, "brif"))) {
            return ports.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static boolean echoes(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).equals("ping\n");
        }
    }

    /**
     * The child JVM: opens the embedded engine on the state directory it is given, creates the network,
     * runs an echo server on it with port 7 published, prints {@code started <id> <pid> <host port>} and
     * blocks until stdin ends or it is killed.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0])));
            engine.createNetwork(NetworkSpec.named(args[2]));
            ContainerInfo info = engine.runContainer(ContainerSpec.builder(args[1]).networkMode(args[2]).networkAlias("echo")
                    .port(PortBinding.loopback(7)).cmd("nc", "-ll", "-p", "7", "-e", "cat").build());
            System.out.println("started " + info.id() + " " + info.state().pid() + " " + info.ports().get(0).hostPort());
            System.out.flush();
            System.in.read();
            engine.close();
        }
    }
}
