package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Networks: user networks where containers reach each other by name and alias, connecting and disconnecting,
 * removal that refuses while containers are on a network, subnets, network modes {@code none} and {@code host},
 * aliases refused on the default network (as Docker does), and static addresses ({@code --ip}) given, echoed and refused
 * as dockerd does. Published ports are {@link PortsContract}'s.
 *
 * <p>Runs on both engines ({@code DockerNetworkContractIT}, {@code EmbeddedNetworkContractIT}). Left open on
 * purpose, because the engines differ: what {@code ports()} says of a container that does not run (the
 * embedded engine: nothing, as Docker's own {@code NetworkSettings.Ports}; the Docker backend: the requested
 * bindings from {@code HostConfig.PortBindings}), the gateway of a network created with a subnet (Docker
 * reports none), names on the default network (the embedded engine resolves them, Docker's legacy
 * bridge does not), so the tests use user networks for names, and when a static address that cannot be given is
 * refused (the embedded engine: at create when it is outside the subnet or on the default network; dockerd: at start),
 * so those refusals are asserted on create-then-start.
 *
 * <p>Names are resolved inside the containers with busybox's {@code nc}: the test bed's static busybox
 * {@code wget} crashes in glibc's resolver.
 */
public abstract class NetworkContract extends EngineContract {
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
    void inspectShowsEachNetworksAliasesAsAsked() {
        String first = uniqueName("contract-net");
        String second = uniqueName("contract-net");
        engine.createNetwork(new NetworkSpec(first, null, Map.of(RUN_LABEL, run), false));
        engine.createNetwork(new NetworkSpec(second, null, Map.of(RUN_LABEL, run), false));
        ContainerInfo c = started(busybox("sleep 600").networkMode(first).networkAlias("web").networkAlias("www"));

        engine.connectNetwork(second, c.id(), List.of("api"));

        ContainerInfo inspected = engine.inspectContainer(c.id());
        assertThat(inspected.networkAliases()).containsExactlyInAnyOrderEntriesOf(Map.of(first, List.of("web", "www"),
                second, List.of("api")));
        assertThat(inspected.inspectAliases(second)).containsExactly("api", c.shortId());
        engine.disconnectNetwork(second, c.id());
        assertThat(engine.inspectContainer(c.id()).networkAliases()).containsOnlyKeys(first);

        // dockerd 20.10 names a container by its short id on a network connected to it from the connect, started or
        // not, and on the network it was created on from its first start
        ContainerInfo never = engine.createContainer(busybox("true").networkMode(first).build());
        engine.connectNetwork(second, never.id(), List.of());
        ContainerInfo unstarted = engine.inspectContainer(never.id());
        assertThat(unstarted.inspectAliases(second)).containsExactly(never.shortId());
        assertThat(unstarted.inspectAliases(first)).isEmpty();
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

    @Test
    void aContainerOnTheDefaultNetworkHasAnAddressThereAndItsHostnameResolvesToIt() {
        ContainerInfo container = started(busybox("grep -w \"$(hostname)\" /etc/hosts | head -n 1 | cut -f 1; exec sleep 600"));

        String address = engine.inspectContainer(container.id()).networks().get("bridge");

        assertThat(address).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(logTexts(container.id())).containsExactly(address));
    }

    @Test
    void aNetworkWithItsOwnSubnetReportsItAndGivesItsContainersAddressesInIt() {
        String network = uniqueName("contract-net");
        String subnet = unusedSubnet();
        String prefix = subnet.substring(0, subnet.lastIndexOf('.') + 1);

        NetworkInfo created = engine.createNetwork(new NetworkSpec(network, subnet, Map.of(RUN_LABEL, run), false));

        assertThat(created.subnet()).isEqualTo(subnet);
        // NetworkInfo allows an empty gateway: Docker reports none for a subnet given without one
        assertThat(created.gateway()).isIn("", prefix + "1");
        assertThat(created.driver()).isEqualTo("bridge");
        ContainerInfo member = started(busybox("sleep 600").networkMode(network));
        assertThat(engine.inspectContainer(member.id()).networks().get(network)).startsWith(prefix);
        assertThat(engine.inspectNetwork(network).containers().get(member.id())).startsWith(prefix);
    }

    @Test
    void connectingTwiceOrDisconnectingAStrangerFails() {
        String network = uniqueName("contract-net");
        engine.createNetwork(new NetworkSpec(network, null, Map.of(RUN_LABEL, run), false));
        ContainerInfo container = started(busybox("sleep 600"));
        engine.connectNetwork(network, container.id(), List.of());

        assertThatThrownBy(() -> engine.connectNetwork(network, container.id(), List.of()))
                .isInstanceOf(ContainerEngineException.class);
        engine.disconnectNetwork(network, container.id());
        assertThatThrownBy(() -> engine.disconnectNetwork(network, container.id()))
                .isInstanceOf(ContainerEngineException.class);
        assertThat(engine.inspectContainer(container.id()).networks()).containsOnlyKeys("bridge");
    }

    @Test
    void aliasesNeedAUserDefinedNetwork() {
        ContainerSpec spec = busybox("sleep 600").networkAlias("nickname").build();

        // Docker refuses at create or at start: either way the container never runs
        assertThatThrownBy(() -> {
            ContainerInfo created = engine.createContainer(spec);
            try {
                engine.startContainer(created.id());
            } finally {
                engine.removeContainer(created.id(), true);
            }
        }).isInstanceOf(ContainerEngineException.class).hasMessageContaining("user");
    }

    @Test
    void hostNetworkModeSharesTheHostsLoopback() throws IOException {
        int free = freePort();
        ContainerInfo container = started(busybox("mkdir -p /www && echo hello-host > /www/index.html"
                + " && exec httpd -f -p 127.0.0.1:" + free + " -h /www").networkMode("host"));

        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertThat(httpGet(free, "/index.html")).endsWith("hello-host\n"));
        // an exec shares it too (rootless, it cannot join the host's network namespace: it must stay in it)
        ExecResult fetched = engine.exec(container.id(), ExecSpec.of("sh", "-c",
                "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 5 127.0.0.1 " + free + " | tail -n 1"));
        assertThat(fetched.stdout()).isEqualTo("hello-host\n");
        assertThat(engine.inspectContainer(container.id()).ports()).isEmpty();
        assertThat(engine.inspectContainer(container.id()).networks()).containsOnlyKeys("host");
    }

    /**
     * A shell command that prints the last line of {@code GET /index.html} from {@code host}:8080, trying for up
     * to 10 s while the server starts.
     */
    private static String fetch(String host) {
        // the server may not listen yet when the client starts: its refusals are retried, not logged
        return "for i in $(seq 1 100); do out=$(printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + host
                + " 8080 2>/dev/null | tail -n 1); [ -n \"$out\" ] && break; sleep 0.1; done; echo \"$out\"";
    }

    // ---- static addresses (--ip): dockerd gives them only on a user network with a subnet of the user's ----

    /** A container's addresses as it sees them itself. */
    private static final String OWN_ADDRESSES = "ip -4 -o addr show | grep -v ' lo ' | awk '{print $4}'; exec sleep 600";

    @Test
    void aContainerCreatedWithAStaticAddressHasItAndInspectEchoesIt() {
        String network = networkWithSubnet();
        String address = prefix(network) + "77";

        ContainerInfo container = started(busybox(OWN_ADDRESSES).networkMode(network).ipv4Address(address));

        ContainerInfo inspected = engine.inspectContainer(container.id());
        assertThat(inspected.networks()).containsEntry(network, address);
        assertThat(inspected.staticAddresses()).containsEntry(network, address);
        assertThat(inspected.spec().ipv4Address()).isEqualTo(address);
        assertThat(engine.inspectNetwork(network).containers()).containsEntry(container.id(), address);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(logTexts(container.id())).singleElement()
                .asString().startsWith(address + "/"));
    }

    @Test
    void aStaticAddressIsTheContainersAgainAfterARestart() {
        String network = networkWithSubnet();
        String address = prefix(network) + "78";
        ContainerInfo container = started(busybox("exec sleep 600").networkMode(network).ipv4Address(address));
        // another container started meanwhile takes the next free address, never the stopped one's
        engine.stopContainer(container.id(), Duration.ofSeconds(1));
        ContainerInfo other = started(busybox("exec sleep 600").networkMode(network));
        assertThat(engine.inspectContainer(other.id()).networks().get(network)).isNotEqualTo(address);

        engine.startContainer(container.id());

        assertThat(engine.inspectContainer(container.id()).networks()).containsEntry(network, address);
    }

    @Test
    void connectWithAStaticAddressGivesTheRunningContainerThatAddress() {
        String network = networkWithSubnet();
        String address = prefix(network) + "79";
        ContainerInfo container = started(busybox(OWN_ADDRESSES));

        engine.connectNetwork(network, container.id(), List.of(), address);

        ContainerInfo inspected = engine.inspectContainer(container.id());
        assertThat(inspected.networks()).containsEntry(network, address);
        assertThat(inspected.staticAddresses()).containsEntry(network, address);
        assertThat(engine.inspectNetwork(network).containers()).containsEntry(container.id(), address);
    }

    @Test
    void connectWithAStaticAddressGivesACreatedContainerThatAddressWhenItStarts() {
        String network = networkWithSubnet();
        String address = prefix(network) + "80";
        ContainerInfo created = engine.createContainer(busybox("exec sleep 600").build());

        engine.connectNetwork(network, created.id(), List.of("late"), address);
        engine.startContainer(created.id());

        assertThat(engine.inspectContainer(created.id()).networks()).containsEntry(network, address);
    }

    @Test
    void anAddressOutsideTheSubnetIsRefused() {
        String network = networkWithSubnet();

        assertThatThrownBy(() -> started(busybox("exec sleep 600").networkMode(network).ipv4Address("192.0.2.9")))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("Invalid address 192.0.2.9: It does not belong to any of this network's subnets");
        ContainerInfo running = started(busybox("exec sleep 600"));
        assertThatThrownBy(() -> engine.connectNetwork(network, running.id(), List.of(), "192.0.2.9"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("Invalid address 192.0.2.9: It does not belong to any of this network's subnets");
    }

    @Test
    void anAddressHeldByAnotherContainerOrTheGatewayIsRefused() {
        String network = networkWithSubnet();
        String address = prefix(network) + "81";
        started(busybox("exec sleep 600").networkMode(network).ipv4Address(address));

        assertThatThrownBy(() -> started(busybox("exec sleep 600").networkMode(network).ipv4Address(address)))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("Address already in use");
        assertThatThrownBy(() -> started(busybox("exec sleep 600").networkMode(network).ipv4Address(prefix(network) + "1")))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("Address already in use");
        ContainerInfo running = started(busybox("exec sleep 600"));
        assertThatThrownBy(() -> engine.connectNetwork(network, running.id(), List.of(), address))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("Address already in use");

        // the refused connect left nothing in the way of another one
        engine.connectNetwork(network, running.id(), List.of(), prefix(network) + "82");
        assertThat(engine.inspectContainer(running.id()).networks()).containsEntry(network, prefix(network) + "82");
    }

    @Test
    void aStaticAddressOnTheDefaultNetworkIsRefused() {
        assertThatThrownBy(() -> started(busybox("exec sleep 600").networkMode("bridge").ipv4Address("10.99.0.9")))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("user specified IP address is supported on user defined networks only");
    }

    @Test
    void anAddressThatIsNoIpv4AddressIsRefusedWhenTheSpecIsBuilt() {
        assertThatThrownBy(() -> busybox("true").ipv4Address("10.1.2.300").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid IPv4 address: 10.1.2.300");
        assertThatThrownBy(() -> ContainerSpec.ipv4("bogus")).hasMessage("invalid IPv4 address: bogus");
    }

    /** A new user network with a /24 of its own (dockerd gives static addresses only on such a network). */
    private String networkWithSubnet() {
        String network = uniqueName("contract-ip");
        engine.createNetwork(new NetworkSpec(network, unusedSubnet(), Map.of(RUN_LABEL, run), false));
        return network;
    }

    /** {@code 10.x.y.} for a network's {@code 10.x.y.0/24}. */
    private String prefix(String network) {
        String subnet = engine.inspectNetwork(network).subnet();
        return subnet.substring(0, subnet.lastIndexOf('.') + 1);
    }


    /** A /24 of 10.240.0.0/12 that no route of the host (and so no bridge of either engine) overlaps. */
    private static String unusedSubnet() {
        List<String> routes;
        try {
            routes = Files.readAllLines(Path.of("/proc/net/route"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int second = 240 + random.nextInt(16);
            int third = random.nextInt(256);
            int base = (10 << 24) | (second << 16) | (third << 8);
            boolean clash = routes.stream().skip(1).map(line -> line.trim().split("\\s+")).filter(f -> f.length > 7).anyMatch(f -> {
                int destination = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
                int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
                return mask != 0 && ((base & mask) == (destination & mask) || (destination & 0xFFFFFF00) == base);
            });
            if (!clash) {
                return "10." + second + "." + third + ".0/24";
            }
        }
        throw new IllegalStateException("no /24 of 10.240.0.0/12 is free of the host's routes");
    }
}
