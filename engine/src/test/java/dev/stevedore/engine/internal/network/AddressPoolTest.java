package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressPoolTest {
    private static final AddressPool POOL = new AddressPool(new NetworkSettings(List.of("10.199.0.0/22", "10.88.0.0/15"), 24,
            Path.of("/nonexistent/network.lock")));

    private static NetworkRecord network(String name, String subnet, String lastAllocated, String... addresses) {
        Map<String, Member> members = new LinkedHashMap<>();
        for (int i = 0; i < addresses.length; i++) {
            members.put("c" + i, new Member("c" + i, List.of(), addresses[i], null, null));
        }
        return new NetworkRecord(name.repeat(64).substring(0, 64), name, subnet, "stvd-" + name, false, false, Map.of(),
                "2026-12-06T10:00:00Z", lastAllocated == null ? 0 : Subnet.parseAddress(lastAllocated), members, false);
    }

    @Test
    void aNewSubnetSkipsOtherNetworksAndTheHostsRoutes() {
        Subnet subnet = POOL.allocateSubnet(List.of(network("a", "10.199.0.0/24", null)),
                List.of(new HostRoutes.Route("eth9", Subnet.parse("10.199.1.0/24"))));
        assertThat(subnet).hasToString("10.199.2.0/24");
    }

    @Test
    void aFullPoolSaysSoAndWhatToDo() {
        List<NetworkRecord> all = List.of(network("a", "10.199.0.0/23", null), network("b", "10.199.2.0/23", null));
        // the second range lies in Podman's reserved 10.88-89/16: nothing there either
        assertThatThrownBy(() -> POOL.allocateSubnet(all, List.of()))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("STEVEDORE_NETWORK_POOL");
    }

    @Test
    void anAskedSubnetMustNotOverlapANetworkOrARoute() {
        List<NetworkRecord> all = List.of(network("a", "10.199.0.0/24", null));
        assertThatThrownBy(() -> AddressPool.checkSubnet("n", "10.199.0.128/25", all, List.of()))
                .hasMessageContaining("overlaps network \"a\"");
        assertThatThrownBy(() -> AddressPool.checkSubnet("n", "10.50.0.0/16", all,
                List.of(new HostRoutes.Route("eth9", Subnet.parse("10.50.3.0/24"))))).hasMessageContaining("on eth9");
        assertThatThrownBy(() -> AddressPool.checkSubnet("n", "10.50.0.0/31", all, List.of())).hasMessageContaining("/30");
        assertThat(AddressPool.checkSubnet("n", "10.50.0.0/24", all, List.of())).hasToString("10.50.0.0/24");
    }

    @Test
    void addressesFollowTheLastOneHandedOutSkipTakenOnesAndWrapAround() {
        assertThat(Subnet.format(AddressPool.allocateAddress(network("a", "10.199.0.0/24", null)))).isEqualTo("10.199.0.2");
        assertThat(Subnet.format(AddressPool.allocateAddress(network("a", "10.199.0.0/24", "10.199.0.5", "10.199.0.6"))))
                .as("a freed address below the last one is not reused at once").isEqualTo("10.199.0.7");
        assertThat(Subnet.format(AddressPool.allocateAddress(network("a", "10.199.0.0/30", "10.199.0.2"))))
                .as("a /30 has one host address besides the gateway: after it, the search wraps").isEqualTo("10.199.0.2");
        assertThatThrownBy(() -> AddressPool.allocateAddress(network("a", "10.199.0.0/30", "10.199.0.2", "10.199.0.2")))
                .hasMessageContaining("no free address left");
    }
    @Test
    void aStoppedMembersStaticAddressIsNotHandedToAnother() {
        NetworkRecord n = network("s", "10.199.4.0/24", "10.199.4.4", "10.199.4.2")
                .withMember("stopped", new Member("stopped", List.of(), null, null, null, "10.199.4.5"));

        assertThat(Subnet.format(AddressPool.allocateAddress(n))).isEqualTo("10.199.4.6");
    }

    @Test
    void aStaticAddressIsClaimedOnlyInsideTheSubnetAndWhenFree() {
        NetworkRecord n = network("s", "10.199.4.0/24", null, "10.199.4.2");

        assertThat(Subnet.format(AddressPool.claimAddress(n, "new", "10.199.4.200"))).isEqualTo("10.199.4.200");
        assertThat(Subnet.format(AddressPool.claimAddress(n, "c0", "10.199.4.2"))).as("its own").isEqualTo("10.199.4.2");
        assertThatThrownBy(() -> AddressPool.claimAddress(n, "new", "10.199.4.2")).hasMessageStartingWith("Address already in use");
        assertThatThrownBy(() -> AddressPool.claimAddress(n, "new", "10.199.4.1")).hasMessageContaining("its gateway");
        assertThatThrownBy(() -> AddressPool.claimAddress(n, "new", "10.199.4.255"))
                .hasMessageStartingWith("Invalid address 10.199.4.255: It does not belong to any of this network's subnets");
        assertThatThrownBy(() -> AddressPool.claimAddress(n, "new", "10.199.4.0")).hasMessageContaining("does not belong");
    }
}
