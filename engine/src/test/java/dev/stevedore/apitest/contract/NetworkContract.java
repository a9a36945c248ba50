package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Networks and published ports: user networks where containers reach each other by name and alias,
 * connecting and disconnecting, removal that refuses while containers are on a network, ports published
 * on loopback, network mode {@code none}.
 *
 * <p>Only the Docker subclass runs for now: the embedded engine's networking (issue 4: bridges, veths,
 * aliases, port publishing; {@code NetworkService}) is not built yet, so an {@code Embedded} subclass would
 * fail every test for that reason alone. Add {@code EmbeddedNetworkContractIT} when it lands.
 *
 * <p>Names are resolved inside the containers with busybox's {@code nc}: the test bed's static busybox
 * {@code wget} crashes in glibc's resolver.
 */
public abstract class NetworkContract extends EngineContract {
    private static final String HTTPD = "mkdir -p /www && echo hello-port > /www/index.html && exec httpd -f -p 8080 -h /www";

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
    void publishAllPortsPublishesExposedPortsOnLoopback() {
        ContainerInfo container = started(busybox(HTTPD).expose("8080/tcp").publishAllPorts(true));

        PortBinding bound = singleBinding(container.id(), 8080);

        assertThat(bound.hostIp()).isEqualTo("127.0.0.1");
        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertThat(httpGet(bound.hostPort(), "/index.html")).endsWith("hello-port\n"));
    }

    @Test
    void networkModeNoneLeavesOnlyLoopback() {
        ContainerInfo container = started(busybox("ls /sys/class/net").networkMode("none"));

        exited(container.id());

        assertThat(logTexts(container.id())).containsExactly("lo");
        assertThat(engine.inspectContainer(container.id()).ports()).isEmpty();
    }

    @Test
    void containersOnAUserNetworkReachEachOtherByNameAndAlias() {
        String network = uniqueName("contract-net");
        String server = uniqueName("server");
        engine.createNetwork(new NetworkSpec(network, null, Map.of(RUN_LABEL, run), false));
        ContainerInfo web = started(busybox(HTTPD).name(server).networkMode(network).networkAlias("web"));

        ContainerInfo client = started(busybox(fetch("web") + "; " + fetch(server)).networkMode(network));

        assertThat(exited(client.id()).exitCode()).isZero();
        assertThat(logTexts(client.id())).containsExactly("hello-port", "hello-port");
        NetworkInfo info = engine.inspectNetwork(network);
        assertThat(info.name()).isEqualTo(network);
        assertThat(info.labels()).containsEntry(RUN_LABEL, run);
        assertThat(info.containers()).containsKey(web.id());
        assertThat(engine.inspectContainer(web.id()).networks()).containsKey(network);
    }

    @Test
    void connectAddsAContainerUnderItsAliasesAndDisconnectTakesItOff() {
        String network = uniqueName("contract-net");
        NetworkInfo created = engine.createNetwork(new NetworkSpec(network, null, Map.of(RUN_LABEL, run), false));
        ContainerInfo web = started(busybox(HTTPD));

        engine.connectNetwork(network, web.id(), List.of("late-alias"));

        assertThat(engine.inspectNetwork(created.id()).containers()).containsKey(web.id());
        ContainerInfo client = started(busybox(fetch("late-alias")).networkMode(network));
        assertThat(exited(client.id()).exitCode()).isZero();
        assertThat(logTexts(client.id())).containsExactly("hello-port");

        engine.disconnectNetwork(network, web.id());

        assertThat(engine.inspectNetwork(network).containers()).doesNotContainKey(web.id());
    }

    @Test
    void aNetworkWithContainersIsNotRemovedUntilTheyAreGone() {
        String network = uniqueName("contract-net");
        engine.createNetwork(new NetworkSpec(network, null, Map.of(RUN_LABEL, run), false));
        ContainerInfo member = started(busybox("sleep 600").name(uniqueName("member")).networkMode(network));

        assertThat(engine.networks()).extracting(NetworkInfo::name).contains(network, "bridge", "host", "none");
        assertThatThrownBy(() -> engine.removeNetwork(network)).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining(member.name());
        assertThatThrownBy(() -> engine.createNetwork(NetworkSpec.named(network))).isInstanceOf(ContainerEngineException.class);

        engine.removeContainer(member.id(), true);
        engine.removeNetwork(network);

        assertThatThrownBy(() -> engine.inspectNetwork(network)).isInstanceOf(ContainerEngineException.class);
    }

    /**
     * A shell command that prints the last line of {@code GET /index.html} from {@code host}:8080, trying for up
     * to 10 s while the server starts.
     */
    private static String fetch(String host) {
        return "for i in $(seq 1 100); do out=$(printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + host
                + " 8080 | tail -n 1); [ -n \"$out\" ] && break; sleep 0.1; done; echo \"$out\"";
    }

    private PortBinding singleBinding(String container, int containerPort) {
        var bindings = engine.inspectContainer(container).ports().stream().filter(p -> p.containerPort() == containerPort).toList();
        assertThat(bindings).hasSize(1);
        return bindings.get(0);
    }

    /** The whole answer (status line, headers, body) to {@code GET path} on 127.0.0.1:port. */
    private static String httpGet(int port, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
