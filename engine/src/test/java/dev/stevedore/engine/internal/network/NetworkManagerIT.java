package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.network.NetworkFixture.Container;
import dev.stevedore.engine.internal.network.NetworkFixture.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Networks wired into real busybox containers at the launcher's barrier. Needs root and the test bed. */
class NetworkManagerIT {
    // busybox wget -T crashes (Debian busybox 1.35): time limits come from `timeout` instead.
    private static final String HTTPD = "mkdir -p /www && echo hello-from-$(hostname) > /www/index.html"
            + " && httpd -p 80 -h /www && exec nc -ll -p 7 -e cat";

    /**
     * An echo server forking {@code cat} per connection. busybox nc's listen backlog is its number of
     * {@code -l} flags (2 for {@code -ll}): 200 connections at once need a deeper one.
     */
    static final String ECHO_WITH_BACKLOG = "exec nc -$(printf 'l%.0s' $(seq 256)) -p 7 -e cat";

    private NetworkFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new NetworkFixture();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
        // A stopped container's veth goes with its network namespace, which the kernel frees a moment later.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(fixture.ownLinks()).as("bridges and veths left behind").isEmpty());
    }

    @Test
    void twoContainersOnOneNetworkReachEachOtherByNameAndAlias() {
        fixture.createNetwork("front", false);
        Container web = fixture.run("web", "front", List.of("www", "api.internal"), HTTPD);
        Container client = fixture.run("client", "front", List.of(), "exec sleep 300");

        awaitListening(web, 80);
        awaitListening(web, 7);
        for (String name : List.of("web", "www", "api.internal", web.id().substring(0, 12))) {
            Result wget = fixture.exec(client, "timeout 5 wget -q -O - http://" + name + "/");
            assertThat(wget.exitCode()).as("wget %s: %s", name, wget.stderr()).isZero();
            assertThat(wget.stdout()).isEqualTo("hello-from-" + web.id().substring(0, 12) + "\n");
        }
        Result nc = fixture.exec(client, "echo ping-by-alias | nc www 7");
        assertThat(nc.stdout()).isEqualTo("ping-by-alias\n");

        Result hosts = fixture.exec(web, "cat /etc/hosts");
        assertThat(hosts.stdout()).contains(client.address() + "\tclient " + client.id().substring(0, 12));
        assertThat(hosts.stdout()).contains(web.address() + "\t" + web.id().substring(0, 12) + " web www api.internal");
    }

    @Test
    void containersOnTwoNetworksCannotReachEachOther() throws IOException {
        fixture.createNetwork("left", false);
        fixture.createNetwork("right", false);
        Container server = fixture.run("server", "left", List.of(), HTTPD);
        Container outsider = fixture.run("outsider", "right", List.of(), "exec sleep 300");
        Container neighbour = fixture.run("neighbour", "left", List.of(), "exec sleep 300");
        awaitListening(server, 80);

        assertThat(fixture.exec(neighbour, "timeout 3 wget -q -O - http://" + server.address() + "/").exitCode()).isZero();
        Result byAddress = fixture.exec(outsider, "timeout 3 wget -q -O - http://" + server.address() + "/");
        assertThat(byAddress.exitCode()).as("reached %s from another network: %s", server.address(), byAddress.stdout()).isNotZero();
        // "unreachable" is the failure without a route, not the timeout's kill; no time is asserted (an exec alone
        // takes seconds at load 15)
        assertThat(byAddress.stderr()).as("fails at once, without a route").contains("unreachable");
        assertThat(fixture.exec(outsider, "echo x | nc -w 3 " + server.address() + " 7").stdout()).isEmpty();
        assertThat(fixture.exec(outsider, "timeout 3 wget -q -O - http://server/").exitCode()).isNotZero();

        // Even a route the container adds itself (root in it may) leads nowhere: the host routes between
        // interfaces here (ip_forward=1), but these bridges never forward.
        assertThat(fixture.exec(outsider, "ip route add default via " + outsider.attachments().get(0).gateway()).exitCode())
                .as("adding a route needs CAP_NET_ADMIN, which containers lack; nsenter has it").isZero();
        assertThat(fixture.exec(outsider, "timeout 3 wget -q -O - http://" + server.address() + "/").exitCode()).isNotZero();
        for (String network : List.of("left", "right")) {
            String bridge = bridgeOf(network);
            assertThat(Files.readString(Path.of("/proc/sys/net/ipv4/conf/" + bridge + "/forwarding")).trim()).isEqualTo("0");
        }
    }

    @Test
    void hostStevedoreInternalIsTheHostOnTheBridge() throws Exception {
        Container c = fixture.run("probe", null, List.of(), "exec sleep 300");
        NetworkManager.Attachment a = c.attachments().get(0);
        assertThat(a.network()).isEqualTo(NetworkManager.DEFAULT_NETWORK);
        assertThat(fixture.exec(c, "grep host.stevedore.internal /etc/hosts").stdout())
                .isEqualTo(a.gateway() + "\thost.stevedore.internal\n");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName(a.gateway()))) {
            server.setSoTimeout(10_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Result r = fixture.exec(c, "echo hello-host | nc -w 5 host.stevedore.internal " + server.getLocalPort());
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello-host\n");
        }
        Result route = fixture.exec(c, "ip route");
        assertThat(route.stdout()).doesNotContain("default").contains("dev eth0");
        String resolv = fixture.exec(c, "cat /etc/resolv.conf").stdout();
        assertThat(resolv).doesNotContain("nameserver 127.");
    }

    @Test
    void internalNetworksWorkLikeTheOthers() {
        fixture.createNetwork("inside", true);
        Container c = fixture.run("inner", "inside", List.of(), "exec sleep 300");
        String routes = fixture.exec(c, "ip route").stdout();
        assertThat(routes).doesNotContain("default");
        assertThat(routes).contains("dev eth0");
    }

    @Test
    void modesNoneAndHost() {
        Container none = fixture.run("alone", "none", List.of(), "exec sleep 300");
        assertThat(none.attachments()).isEmpty();
        String links = fixture.exec(none, "ip -o link").stdout();
        assertThat(links.lines().toList()).hasSize(1).allMatch(l -> l.contains(": lo:"));
        assertThat(fixture.exec(none, "cat /etc/hosts").stdout()).contains("127.0.0.1\tlocalhost\n")
                .endsWith("127.0.0.1\t" + none.id().substring(0, 12) + "\n");

        Container host = fixture.run("hosted", "host", List.of(), "exec sleep 300");
        assertThat(fixture.exec(host, "ip -o link").stdout()).contains(": eth0:", ": lo:");
        assertThat(fixture.exec(host, "grep host.stevedore.internal /etc/hosts").stdout()).startsWith("127.0.0.1\t");
        assertThat(fixture.manager.inspect("host").containers()).containsKey(host.id());
        assertThat(fixture.manager.inspect("none").containers()).containsKey(none.id());
    }

    @Test
    void connectAndDisconnectARunningContainer() {
        fixture.createNetwork("one", false);
        fixture.createNetwork("two", false);
        Container server = fixture.run("server", "one", List.of(), HTTPD);
        Container roamer = fixture.run("roamer", "two", List.of(), "exec sleep 300");
        awaitListening(server, 80);
        assertThat(fixture.exec(roamer, "timeout 3 wget -q -O - http://server/").exitCode()).isNotZero();

        NetworkManager.Attachment joined = fixture.manager.connect(roamer.id(), "one", List.of("wanderer"), roamer.pid());
        assertThat(joined.interfaceName()).isEqualTo("eth1");
        assertThat(fixture.exec(roamer, "timeout 3 wget -q -O - http://server/").stdout()).startsWith("hello-from-");
        assertThat(fixture.exec(server, "cat /etc/hosts").stdout()).contains(joined.address() + "\troamer wanderer");
        assertThat(fixture.manager.inspect("one").containers()).containsEntry(roamer.id(), joined.address());

        fixture.manager.disconnect(roamer.id(), "one");
        assertThat(fixture.exec(roamer, "ip -o link").stdout()).doesNotContain("eth1");
        assertThat(fixture.exec(server, "cat /etc/hosts").stdout()).doesNotContain("roamer");
        assertThat(fixture.manager.inspect("one").containers()).doesNotContainKey(roamer.id());
        assertThatThrownBy(() -> fixture.manager.disconnect(roamer.id(), "one"))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("not connected");
    }

    @Test
    void publishedPortRelaysToTheContainerAndIsFreeAfterStop() throws Exception {
        Container echo = fixture.run("echo", null, List.of(), "exec nc -ll -p 7 -e cat");
        awaitListening(echo, 7);
        List<PortBinding> bound = fixture.manager.publish(echo.id(), List.of(PortBinding.loopback(7)));
        assertThat(bound).hasSize(1);
        int port = bound.get(0).hostPort();
        assertThat(bound.get(0).hostIp()).isEqualTo("127.0.0.1");
        assertThat(port).isPositive();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("through-the-proxy\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("through-the-proxy\n");
        }
        assertThatThrownBy(() -> fixture.manager.publish(echo.id(), List.of(new PortBinding(7, "tcp", "127.0.0.1", port))))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining(String.valueOf(port));

        assertThat(fixture.manager.ports(echo.id())).as("recorded for inspect").isEqualTo(bound);
        fixture.stop(echo);
        assertThat(fixture.manager.ports(echo.id())).isEmpty();
        assertThat(listeningPorts()).doesNotContain(port);
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(false);
            again.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void twoHundredConcurrentConnectionsThroughAPublishedPortKeepEveryByte() throws Exception {
        Container echo = fixture.run("echo", null, List.of(), ECHO_WITH_BACKLOG);
        awaitListening(echo, 7);
        int port = fixture.manager.publish(echo.id(), List.of(PortBinding.loopback(7))).get(0).hostPort();
        int connections = 200;
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[64 * 1024 + seed];
                    new Random(seed).nextBytes(data);
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(30_000);
                        Future<?> writer = pool.submit(() -> {
                            s.getOutputStream().write(data);
                            s.shutdownOutput();
                            return null;
                        });
                        byte[] got = s.getInputStream().readAllBytes();
                        writer.get(30, TimeUnit.SECONDS);
                        return Arrays.equals(got, data);
                    }
                }));
            }
            for (int i = 0; i < connections; i++) {
                assertThat(results.get(i).get(60, TimeUnit.SECONDS)).as("connection %d", i).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        PortForwarder forwarder = fixture.manager.forwarders(echo.id()).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> forwarder.connections() == 0);
    }

    @Test
    void aStoppedContainerStartsAgainOnItsNetworksAndPeersLearnItsNewAddress() {
        fixture.createNetwork("again", false);
        Container server = fixture.run("server", "again", List.of("srv"), HTTPD);
        Container watcher = fixture.run("watcher", "again", List.of(), "exec sleep 300");
        String before = server.address();
        fixture.stop(server);
        assertThat(fixture.manager.inspect("again").containers()).containsEntry(server.id(), "");
        assertThat(fixture.exec(watcher, "cat /etc/hosts").stdout()).doesNotContain("srv");

        Container again = fixture.restart(server, HTTPD);
        assertThat(again.address()).as("a freed address is not handed out again at once").isNotEqualTo(before);
        awaitListening(again, 80);
        assertThat(fixture.exec(watcher, "timeout 5 wget -q -O - http://srv/").stdout()).startsWith("hello-from-");
    }

    @Test
    void refusesToWireTheHostsOwnNetworkNamespace() {
        String id = NetworkFixture.newId();
        fixture.manager.prepareContainer(id, "confused", id.substring(0, 12), null, List.of());
        try {
            assertThatThrownBy(() -> fixture.manager.startContainer(id, ProcessHandle.current().pid()))
                    .isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining("shares the host's network namespace");
            assertThat(fixture.manager.inspect("bridge").containers()).containsEntry(id, "");
        } finally {
            fixture.manager.removeContainer(id);
        }
    }

    @Test
    void removingANetworkWithContainersNamesThem() {
        fixture.createNetwork("busy", false);
        fixture.run("worker", "busy", List.of(), "exec sleep 300");
        assertThatThrownBy(() -> fixture.manager.remove("busy"))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("worker");
        assertThatThrownBy(() -> fixture.manager.create(NetworkSpec.named("busy")))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("exists");
    }

    @Test
    void listShowsTheDefaultHostNoneAndUserNetworks() {
        fixture.createNetwork("listed", false);
        List<NetworkInfo> all = fixture.manager.list();
        assertThat(all).extracting(NetworkInfo::name).containsExactly("bridge", "host", "none", "listed");
        NetworkInfo listed = all.get(3);
        assertThat(listed.subnet()).endsWith("/24");
        assertThat(fixture.manager.inspect(listed.id().substring(0, 8)).name()).isEqualTo("listed");
        assertThat(listed.driver()).isEqualTo("bridge");
    }

    @Test
    void nothingLeaksAfterRemoveOrAfterAKilledEngine() throws Exception {
        fixture.createNetwork("leaky", false);
        Container a = fixture.run("a", "leaky", List.of(), "exec nc -ll -p 7 -e cat");
        Container b = fixture.run("b", null, List.of(), "exec sleep 300");
        awaitListening(a, 7);
        int port = fixture.manager.publish(a.id(), List.of(PortBinding.loopback(7))).get(0).hostPort();
        assertThat(fixture.ownLinks()).hasSize(4).contains(a.attachments().get(0).hostInterface(),
                b.attachments().get(0).hostInterface(), bridgeOf("leaky"), bridgeOf("bridge"));

        // An engine "killed": its containers die, nobody calls stop or remove. By the next start, "a" was
        // removed (its state is gone) and "b" is still there, stopped.
        a.process().close();
        b.process().close();
        fixture.manager.unpublish(a.id()); // the killed JVM's sockets die with it
        try (NetworkManager next = new NetworkManager(fixture.root.resolve("networks"), NetworkSettings.defaults())) {
            next.reap(id -> id.equals(a.id()), id -> false);
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.ownLinks().size() == 1);
            assertThat(fixture.ownLinks()).as("the default bridge goes when nothing runs on it").containsExactly(bridgeOf("leaky"));
            assertThat(next.inspect("leaky").containers()).isEmpty();
            assertThat(next.inspect("bridge").containers()).containsExactly(Map.entry(b.id(), ""));
            next.removeContainer(b.id());
            next.remove("leaky");
        }
        assertThat(fixture.ownLinks()).isEmpty();
        assertThat(listeningPorts()).doesNotContain(port);
        try (Stream<Path> files = Files.walk(fixture.root.resolve("networks"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> fixture.root.relativize(p).toString()))
                    .as("only the default network's record is left").hasSize(1).allMatch(p -> p.endsWith(".json"));
        }
    }

    @Test
    void emptyBridgesOfADeletedStateDirectoryAreReapedByAnyEngine() throws Exception {
        Path other = Files.createTempDirectory("stevedore-network-other-");
        String bridge;
        try (NetworkManager abandoned = new NetworkManager(other.resolve("networks"), NetworkSettings.defaults())) {
            bridge = "stvd-" + abandoned.create(NetworkSpec.named("abandoned")).id().substring(0, 10);
        }
        assertThat(Path.of("/sys/class/net", bridge)).exists();
        fixture.manager.reap(id -> false, id -> true);
        assertThat(Path.of("/sys/class/net", bridge)).as("its state directory still exists").exists();

        dev.stevedore.engine.internal.runtime.TestDirectories.deleteQuietly(other);
        fixture.manager.reap(id -> false, id -> true);
        assertThat(Path.of("/sys/class/net", bridge)).doesNotExist();
    }

    @Test
    void aKeptIdleDefaultBridgeGoesOnceIdlePastTheGraceOrWithItsStateDirectory() throws Exception {
        System.setProperty(Attachments.KEEP_IDLE_BRIDGE, "true"); // as the CLI's engines run
        NetworkFixture command = new NetworkFixture();
        NetworkFixture deleted = null;
        try {
            // `run --rm`: a container on the default network, removed, then the engine closes
            command.remove(command.run("once", null, List.of(), "exec sleep 300"));
            String id = command.manager.inspect("bridge").id();
            Path bridge = Path.of("/sys/class/net", "stvd-" + id.substring(0, 10));
            Path networks = command.root.resolve("networks");
            Path mark = networks.resolve(id + ".idle");
            command.manager.close();
            assertThat(bridge).as("kept, idle, by the close").exists();
            assertThat(mark).exists();

            try (NetworkManager next = new NetworkManager(networks, NetworkSettings.defaults())) {
                next.reap(gone -> true, running -> false);
            }
            assertThat(bridge).as("idle for less than the grace: kept by the next open").exists();

            Files.setLastModifiedTime(mark, java.nio.file.attribute.FileTime.from(
                    java.time.Instant.now().minus(Attachments.IDLE_GRACE).minusSeconds(60)));
            try (NetworkManager next = new NetworkManager(networks, NetworkSettings.defaults())) {
                next.reap(gone -> true, running -> false);
            }
            assertThat(bridge).as("idle past the grace: deleted by the next open").doesNotExist();
            assertThat(mark).doesNotExist();

            deleted = new NetworkFixture();
            deleted.remove(deleted.run("once", null, List.of(), "exec sleep 300"));
            Path other = Path.of("/sys/class/net", "stvd-" + deleted.manager.inspect("bridge").id().substring(0, 10));
            deleted.close(); // its engine closes (the bridge kept), then its state directory is deleted
            deleted = null;
            assertThat(other).exists();
            // a removed container's veth goes with its network namespace, which the kernel tears down on a work queue:
            // a bridge with a member left is not reaped (rightly), so the step waits for the bridge to be empty
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !Files.isDirectory(other.resolve("brif")) || isEmpty(other.resolve("brif")));
            fixture.manager.reap(gone -> false, running -> true);
            assertThat(other).as("its state directory is gone: any engine's open deletes it").doesNotExist();
        } finally {
            System.clearProperty(Attachments.KEEP_IDLE_BRIDGE);
            command.close();
            if (deleted != null) {
                deleted.close();
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private String bridgeOf(String network) {
        String id = fixture.manager.inspect(network).id();
        return "stvd-" + id.substring(0, 10);
    }

    private void awaitListening(Container c, int port) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> fixture.exec(c, "netstat -ltn").stdout().contains(":" + port + " "));
    }

    /** TCP ports in LISTEN state on the host. */
    static List<Integer> listeningPorts() throws IOException {
        List<Integer> ports = new java.util.ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A")) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }
}
