package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Static addresses on user networks ({@code docker run --ip}, {@code docker network connect --ip}): the container
 * gets the address asked for, inspect echoes it, and what dockerd refuses is refused, in dockerd's words. Where the
 * engines differ is when: the embedded engine refuses an address outside the subnet or on the default network at
 * create, dockerd at start; so the refusals are asserted on create-then-start.
 *
 * <p>Runs on both engines ({@code DockerStaticAddressContractIT}, {@code EmbeddedStaticAddressContractIT}) and
 * rootless ({@code RootlessStaticAddressContractIT}).
 */
public abstract class StaticAddressContract extends EngineContract {
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
        engine.stopContainer(container.id(), java.time.Duration.ofSeconds(1));
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
        engine.createNetwork(new NetworkSpec(network, NetworkContract.unusedSubnet(), Map.of(RUN_LABEL, run), false));
        return network;
    }

    /** {@code 10.x.y.} for a network's {@code 10.x.y.0/24}. */
    private String prefix(String network) {
        String subnet = engine.inspectNetwork(network).subnet();
        return subnet.substring(0, subnet.lastIndexOf('.') + 1);
    }
}
