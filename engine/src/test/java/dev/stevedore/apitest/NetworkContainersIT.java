package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Containers on networks and published ports, through the public API of the embedded engine. */
class NetworkContainersIT extends ContainerTestBase {
    /** httpd on 80 serving "hello-from-HOSTNAME", and an echo server on 7 (a cat per connection). */
    private static final String SERVERS = "mkdir -p /www && echo hello-from-$(hostname) > /www/index.html"
            + " && httpd -p 80 -h /www && exec nc -ll -p 7 -e cat";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    @AfterEach
    void removeNetworks() {
        // Runs before the base class removes containers: networks with containers cannot go, so those go first.
        for (String id : containers) {
            try {
                engine.removeContainer(id, true);
            } catch (ContainerNotFoundException e) {
                // removed by the test
            }
        }
        networks.forEach(engine::removeNetwork);
    }

    @Test
    void containersOnANetworkReachEachOtherByNameAndAlias() {
        String net = network("front");
        ContainerInfo web = start(ContainerSpec.builder(busybox()).name("web-" + suffix).networkMode(net).networkAlias("www")
                .cmd("sh", "-c", SERVERS));
        ContainerInfo client = start(ContainerSpec.builder(busybox()).name("client-" + suffix).networkMode(net)
                .cmd("sleep", "300"));
        awaitListening(web.id(), 80);
        awaitListening(web.id(), 7);

        for (String name : List.of("web-" + suffix, "www")) {
            ExecResult wget = exec(client.id(), "timeout 5 wget -q -O - http://" + name + "/");
            assertThat(wget.stdout()).as("wget %s: %s", name, wget.stderr()).isEqualTo("hello-from-" + web.shortId() + "\n");
        }
        assertThat(exec(client.id(), "echo over-nc | timeout 5 nc www 7").stdout()).isEqualTo("over-nc\n");
        assertThat(web.networks()).containsOnlyKeys(net);
        assertThat(engine.inspectContainer(web.id()).networks().get(net)).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(engine.inspectNetwork(net).containers()).containsKeys(web.id(), client.id());
    }

    @Test
    void containersOnTwoNetworksCannotReachEachOther() {
        String left = network("left");
        String right = network("right");
        ContainerInfo server = start(ContainerSpec.builder(busybox()).name("server-" + suffix).networkMode(left)
                .cmd("sh", "-c", SERVERS));
        ContainerInfo outsider = start(ContainerSpec.builder(busybox()).networkMode(right).cmd("sleep", "300"));
        awaitListening(server.id(), 80);
        String address = server.networks().get(left);

        assertThat(exec(outsider.id(), "timeout 3 wget -q -O - http://" + address + "/").exitCode()).isNotZero();
        assertThat(exec(outsider.id(), "timeout 3 wget -q -O - http://server-" + suffix + "/").exitCode()).isNotZero();
        assertThat(exec(outsider.id(), "grep -c host.stevedore.internal /etc/hosts").stdout()).isEqualTo("1\n");
    }

    @Test
    void aPublishedPortListensOnLoopbackAndIsFreeAgainAfterStop() throws Exception {
        ContainerInfo echo = start(ContainerSpec.builder(busybox()).expose("7").publishAllPorts(true)
                .cmd("nc", "-ll", "-p", "7", "-e", "cat"));
        assertThat(echo.ports()).hasSize(1);
        PortBinding port = echo.ports().get(0);
        assertThat(port.containerPort()).isEqualTo(7);
        assertThat(port.hostIp()).isEqualTo("127.0.0.1");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> echoes(port.hostPort()));

        engine.stopContainer(echo.id(), Duration.ofSeconds(1)); // nc as pid 1 ignores SIGTERM
        assertThat(engine.inspectContainer(echo.id()).ports()).isEmpty();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port.hostPort()));
        }
    }

    @Test
    void postgresAnswersJdbcThroughItsPublishedLoopbackPort() throws Exception {
        ContainerInfo db = start(ContainerSpec.builder(ContainerTestbed.image("postgres:15")).env("POSTGRES_PASSWORD", "secret")
                .port(PortBinding.loopback(5432)));
        int port = db.ports().get(0).hostPort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            try (Connection c = DriverManager.getConnection(url, "postgres", "secret");
                 ResultSet rs = c.createStatement().executeQuery("select 6 * 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        });
    }

    @Test
    void aRunningContainerConnectsToAndDisconnectsFromANetwork() {
        String home = network("home");
        String other = network("other");
        ContainerInfo server = start(ContainerSpec.builder(busybox()).name("srv-" + suffix).networkMode(other)
                .cmd("sh", "-c", SERVERS));
        ContainerInfo roamer = start(ContainerSpec.builder(busybox()).name("roamer-" + suffix).networkMode(home)
                .cmd("sleep", "300"));
        awaitListening(server.id(), 80);
        assertThat(exec(roamer.id(), "timeout 3 wget -q -O - http://srv-" + suffix + "/").exitCode()).isNotZero();

        engine.connectNetwork(other, roamer.id(), List.of("wanderer"));
        assertThat(engine.inspectContainer(roamer.id()).networks()).containsOnlyKeys(home, other);
        assertThat(exec(roamer.id(), "timeout 5 wget -q -O - http://srv-" + suffix + "/").stdout()).startsWith("hello-from-");
        assertThat(exec(server.id(), "grep wanderer /etc/hosts").stdout()).contains("roamer-" + suffix);

        engine.disconnectNetwork(other, roamer.id());
        assertThat(engine.inspectContainer(roamer.id()).networks()).containsOnlyKeys(home);
        assertThat(exec(roamer.id(), "timeout 3 wget -q -O - http://srv-" + suffix + "/").exitCode()).isNotZero();
    }

    @Test
    void theNetworkIsWiredBeforeTheCommandRuns() {
        ContainerInfo info = start(ContainerSpec.builder(busybox())
                .cmd("sh", "-c", "ip -o -4 addr show eth0; grep -c host.stevedore.internal /etc/hosts"));
        ContainerTestbed.exited(engine, info.id());
        String address = engine.inspectContainer(info.id()).networks().get("bridge");
        assertThat(ContainerTestbed.lines(engine, info.id())).hasSize(2)
                .first().asString().contains("eth0").contains("inet ");
        assertThat(ContainerTestbed.lines(engine, info.id()).get(1)).isEqualTo("1");
        assertThat(address).as("released once it exited").isEmpty();
    }

    @Test
    void aContainerThatFailsToStartHoldsNoAddressAndNoPort() {
        String net = network("failing");
        ContainerInfo created = create(ContainerSpec.builder(busybox()).networkMode(net).port(PortBinding.loopback(80))
                .cmd("/no/such/command"));
        containers.add(created.id());
        assertThatThrownBy(() -> engine.startContainer(created.id())).isInstanceOf(ContainerStartException.class);
        assertThat(engine.inspectNetwork(net).containers()).containsEntry(created.id(), "");
        assertThat(engine.inspectContainer(created.id()).ports()).isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private String network(String name) {
        String full = name + "-" + suffix;
        engine.createNetwork(NetworkSpec.named(full));
        networks.add(full);
        return full;
    }

    private ContainerInfo start(ContainerSpec.Builder spec) {
        ContainerInfo info = run(spec);
        containers.add(info.id());
        return info;
    }

    private static ExecResult exec(String container, String script) {
        return engine.exec(container, ExecSpec.of("sh", "-c", script).withTimeout(Duration.ofSeconds(20)));
    }

    private static void awaitListening(String container, int port) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> exec(container, "netstat -ltn").stdout().contains(":" + port + " "));
    }

    private static boolean echoes(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).equals("ping\n");
        }
    }
}
