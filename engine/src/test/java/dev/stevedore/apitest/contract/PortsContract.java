package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Published ports and network modes. Only the Docker subclass runs for now: the embedded engine has no
 * networking yet (issue 4: bridges, veths, port publishing), so an {@code Embedded} subclass would fail every
 * test for that reason alone. Network aliases wait for the engine's network API (also issue 4): without a way
 * to create a user network through {@code ContainerEngine}, no contract test can put a container on one.
 */
public abstract class PortsContract extends EngineContract {
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
