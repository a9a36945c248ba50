package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.RecordEquality;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkStoreTest {
    @TempDir
    Path dir;

    private static final String TEST = "1".repeat(64);
    private static final String KEPT = "2".repeat(64);

    private static NetworkRecord network(int lastAllocated, Map<String, Member> members) {
        return new NetworkRecord("n".repeat(64), "bridge", "10.199.0.0/24", "stv-br", false, true, Map.of(),
                "2026-11-23T09:00:00Z", lastAllocated, members, false);
    }

    private static Member member(String name, String address) {
        return new Member(name, List.of(), address, address == null ? null : "veth-" + name, address == null ? null : "eth0");
    }

    @Test
    void membershipsOfContainersInMemoryStayInMemoryAndReadersSeeBothMerged() throws IOException {
        Path memory = dir.resolve("memory/networks");
        NetworkStore store = new NetworkStore(dir.resolve("networks"), memory);
        store.createContainerDirectory(TEST, true);
        store.createContainerDirectory(KEPT, false);
        Path disk = dir.resolve("networks").resolve("n".repeat(64) + ".json");

        store.save(network(Subnet.parseAddress("10.199.0.2"), Map.of(KEPT, member("kept", "10.199.0.2"))));
        Object keptOnly = Files.getAttribute(disk, "unix:ino");
        store.save(network(Subnet.parseAddress("10.199.0.3"), Map.of(KEPT, member("kept", "10.199.0.2"),
                TEST, member("test", "10.199.0.3"))));

        assertThat(Files.getAttribute(disk, "unix:ino")).as("the record on disk was not written again").isEqualTo(keptOnly);
        assertThat(Files.readString(disk)).contains("kept").doesNotContain("\"test\"");
        NetworkRecord read = store.networks().get(0);
        assertThat(read.members()).containsOnlyKeys(KEPT, TEST);
        assertThat(read.members().get(TEST).address()).isEqualTo("10.199.0.3");
        assertThat(Subnet.format(read.lastAllocated())).isEqualTo("10.199.0.3");
        assertThat(store.containerDirectory(TEST)).isEqualTo(memory.resolve(TEST));
        assertThat(store.containerDirectory(KEPT)).isEqualTo(dir.resolve("networks/containers").resolve(KEPT));
        assertThat(store.containerIds()).containsExactlyInAnyOrder(TEST, KEPT);
    }

    @Test
    void networkRecordsAndMembersCompareEveryComponent() throws Exception {
        RecordEquality.assertCoversEveryComponent(
                new Member("a", List.of("a"), "10.0.0.2", "veth-a", "eth0", "10.0.0.2", "02:00:00:00:00:01"),
                new Member("b", List.of("b"), "10.0.0.3", "veth-b", "eth1", "10.0.0.3", "02:00:00:00:00:02"));
        RecordEquality.assertCoversEveryComponent(
                new NetworkRecord("n".repeat(64), "one", "10.0.0.0/24", "br-1", false, false, Map.of("a", "1"),
                        "2026-11-23T09:00:00Z", 1, Map.of(TEST, member("a", null)), false),
                new NetworkRecord("m".repeat(64), "two", "10.0.1.0/24", "br-2", true, true, Map.of("b", "2"),
                        "2026-11-24T09:00:00Z", 2, Map.of(KEPT, member("b", null)), true));
    }

    @Test
    void aClosingEngineMovesTheLastAddressToDiskAndLeavesNoMemoryBehind() throws IOException {
        Path memory = dir.resolve("memory/networks");
        NetworkStore store = new NetworkStore(dir.resolve("networks"), memory);
        store.createContainerDirectory(TEST, true);
        store.save(network(0, Map.of()));
        int address = Subnet.parseAddress("10.199.0.7");
        store.save(network(address, Map.of(TEST, member("test", "10.199.0.7"))));
        store.save(network(address, Map.of()));
        store.deleteContainer(TEST);

        store.foldMemoryMembers();
        store.close();

        assertThat(dir.resolve("memory")).doesNotExist();
        assertThat(Subnet.format(store.networks().get(0).lastAllocated())).isEqualTo("10.199.0.7");
    }
}
