package dev.stevedore.apitest.contract;

import dev.stevedore.apitest.UdpEcho;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Published ports, on the container's default network: ports published on loopback (free or explicit host ports,
 * freed at stop, published again at a restart, a port in use failing the start), every exposed port with
 * {@code publishAllPorts}, a udp port answering each client, and ports of a kept container outliving the engine
 * that started it.
 *
 * <p>Runs on Docker, the embedded engine as root, and the rootless embedded engine, where the default network is the
 * container's own network namespace and a proxy process connects inside it ({@code RootlessPortsContractIT}).
 */
public abstract class PortsContract extends EngineContract {
    @Test
    void publishedPortListensOnLoopbackOnAFreeHostPort() {
        ContainerInfo container = started(busybox(HTTPD).port(PortBinding.loopback(8080)));

        PortBinding bound = singleBinding(container.id(), 8080);

        assertThat(bound.hostIp()).isEqualTo("127.0.0.1");
        assertThat(bound.hostPort()).isPositive();
        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertThat(httpGet(bound.hostPort(), "/index.html")).endsWith("hello-port\n"));
    }

    @Test
    void aUdpPortIsPublishedAndEachClientGetsItsOwnAnswers() throws IOException {
        ContainerInfo container = started(busybox("exec /udp-echo 53")
                .mount(Mount.bind(UdpEcho.binary().toString(), "/udp-echo", true))
                .port(new PortBinding(53, "udp", "127.0.0.1", 0)));

        PortBinding bound = singleBinding(container.id(), 53);

        assertThat(bound.protocol()).isEqualTo("udp");
        assertThat(bound.hostIp()).isEqualTo("127.0.0.1");
        int port = bound.hostPort();
        try (DatagramSocket first = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket second = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            // datagrams sent before the server binds are lost: ask until it answers
            await().atMost(PATIENCE).ignoreExceptions()
                    .untilAsserted(() -> assertThat(UdpEcho.ask(first, port, "from the first")).isEqualTo("echo from the first"));
            assertThat(UdpEcho.ask(second, port, "from the second")).isEqualTo("echo from the second");
            assertThat(UdpEcho.ask(first, port, "the first again")).isEqualTo("echo the first again");
        }
    }

    @Test
    void publishAllPortsPublishesExposedPortsOnLoopback() {
        ContainerInfo container = started(busybox(HTTPD).expose("8080/tcp").publishAllPorts(true));

        PortBinding bound = singleBinding(container.id(), 8080);

        assertThat(bound.hostIp()).isEqualTo("127.0.0.1");
        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertThat(httpGet(bound.hostPort(), "/index.html")).endsWith("hello-port\n"));
    }

    @Test
    void anExplicitHostPortIsUsedAndFreeAgainAfterStop() throws IOException {
        int free = freePort();
        ContainerInfo container = started(busybox(HTTPD).port(new PortBinding(8080, "tcp", "127.0.0.1", free)));

        assertThat(singleBinding(container.id(), 8080)).isEqualTo(new PortBinding(8080, "tcp", "127.0.0.1", free));
        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertThat(httpGet(free, "/index.html")).endsWith("hello-port\n"));

        engine.stopContainer(container.id(), Duration.ofSeconds(1));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(bindable(free)).as("port %d bindable again", free).isTrue());
    }

    @Test
    void aPortInUseFailsTheStartNamingThePortAndLeavesTheContainerCreated() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            ContainerInfo created = engine.createContainer(busybox(HTTPD).port(new PortBinding(8080, "tcp", "127.0.0.1", port)).build());

            assertThatThrownBy(() -> engine.startContainer(created.id())).isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining(String.valueOf(port));

            assertThat(engine.inspectContainer(created.id()).state().status()).isEqualTo(ContainerState.Status.CREATED);
            engine.removeContainer(created.id(), false);
        }
    }

    @Test
    void aContainerStartedAgainIsPublishedAgain() {
        ContainerInfo container = started(busybox(HTTPD).port(PortBinding.loopback(8080)).port(PortBinding.loopback(8081)));
        assertThat(engine.inspectContainer(container.id()).ports()).extracting(PortBinding::key)
                .containsExactlyInAnyOrder("8080/tcp", "8081/tcp");
        engine.stopContainer(container.id(), Duration.ofSeconds(1));

        engine.startContainer(container.id());

        PortBinding again = singleBinding(container.id(), 8080);
        assertThat(again.hostPort()).isPositive();
        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertThat(httpGet(again.hostPort(), "/index.html")).endsWith("hello-port\n"));
    }

    @Test
    void aKeptContainersPortStillAnswersAfterItsEngineIsClosed() {
        ContainerInfo container;
        try (ContainerEngine starter = openEngine()) {
            container = starter.runContainer(busybox(HTTPD).port(PortBinding.loopback(8080))
                    .label(ContainerSpec.KEEP_LABEL, "true").build());
        }
        int port;
        try {
            port = singleBinding(container.id(), 8080).hostPort();
            await().atMost(PATIENCE).ignoreExceptions()
                    .untilAsserted(() -> assertThat(httpGet(port, "/index.html")).endsWith("hello-port\n"));
        } finally {
            engine.removeContainer(container.id(), true);
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(bindable(port)).as("port %d bindable again", port).isTrue());
    }
}
