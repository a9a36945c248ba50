package dev.stevedore.engine.internal.network;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.MemoryMembers;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's files stay as Jackson's data binding wrote and read them, so state directories of older builds read alike. */
class NetworkJsonTest {
    /** The mapping the store used before: records by data binding, unknown fields ignored. */
    private static final ObjectMapper DATABIND = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @TempDir
    Path dir;

    private static Member fullMember() {
        return new Member("web", List.of("web", "w\u00e9b\"1"), "10.199.0.3", "veth-1", "eth0", "10.199.0.3",
                "02:42:0a:c7:00:03");
    }

    private static NetworkRecord network(Map<String, Member> members) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("b", "2");
        labels.put("a", "line\nbreak");
        return new NetworkRecord("n".repeat(64), "front", "10.199.0.0/24", "stvd-nnnn", true, false, labels,
                "2026-11-23T09:00:00.123Z", -1062731517, members, true);
    }

    private static ContainerRecord fullContainer() {
        return new ContainerRecord("c".repeat(64), "web", "host1", NetworkMode.BRIDGE, List.of("a", "b"),
                List.of(new PortBinding(80, "tcp", "127.0.0.1", 8080), new PortBinding(53, "udp", "0.0.0.0", 0)),
                new ProxyRecord(4242, 123456789012L, 4243, 987654321098L),
                new NameResolution(List.of("db:10.0.0.2"), List.of("1.1.1.1"), List.of("example.org"), List.of("ndots:2"),
                        List.of(5432), List.of("db:db"), "example.org"));
    }

    @Test
    void writesEveryRecordByteForByteAsDataBindingDid() throws IOException {
        Map<String, Member> members = new LinkedHashMap<>();
        members.put("1".repeat(64), fullMember());
        members.put("2".repeat(64), new Member("old", List.of(), null, null, null));
        NetworkRecord network = network(members);
        ContainerRecord container = fullContainer();
        ContainerRecord sparse = new ContainerRecord("d".repeat(64), null, null, NetworkMode.NONE, null, null, null, null);
        MemoryMembers memory = new MemoryMembers(7, members);

        assertThat(new String(NetworkJson.write(network))).isEqualTo(DATABIND.writeValueAsString(network));
        assertThat(new String(NetworkJson.write(network(Map.of())))).isEqualTo(DATABIND.writeValueAsString(network(Map.of())));
        assertThat(new String(NetworkJson.write(container))).isEqualTo(DATABIND.writeValueAsString(container));
        assertThat(new String(NetworkJson.write(sparse))).isEqualTo(DATABIND.writeValueAsString(sparse));
        assertThat(new String(NetworkJson.write(memory))).isEqualTo(DATABIND.writeValueAsString(memory));
    }

    @Test
    void readsWhatDataBindingWroteIntoEqualRecords() throws IOException {
        NetworkRecord network = network(Map.of("1".repeat(64), fullMember()));
        ContainerRecord container = fullContainer();
        MemoryMembers memory = new MemoryMembers(9, Map.of("1".repeat(64), fullMember()));

        assertThat(NetworkJson.readNetwork(file("n.json", DATABIND.writeValueAsString(network)))).isEqualTo(network);
        assertThat(NetworkJson.readContainer(file("c.json", DATABIND.writeValueAsString(container)))).isEqualTo(container);
        assertThat(NetworkJson.readMembers(file("m.json", DATABIND.writeValueAsString(memory)))).isEqualTo(memory);
    }

    @Test
    void readsRecordsWrittenBeforeLaterFieldsAndSkipsFieldsItDoesNotKnow() throws IOException {
        NetworkRecord network = NetworkJson.readNetwork(file("n.json", """
                {"id":"n1","name":"bridge","subnet":"10.199.1.0/24","bridge":"stvd-1","internal":false,
                 "predefined":true,"labels":{},"created":"2026-01-01T00:00:00Z","lastAllocated":5,
                 "members":{"c1":{"name":"web","aliases":["web"],"address":null,"veth":null,"interfaceName":null}},
                 "future":{"nested":[1,2,{"x":null}]}}"""));
        ContainerRecord container = NetworkJson.readContainer(file("c.json", """
                {"id":"c1","name":"web","hostname":"h","mode":"host","networks":[],"published":[],"proxy":null}"""));

        assertThat(network.attachable()).isFalse();
        assertThat(network.members().get("c1")).isEqualTo(new Member("web", List.of("web"), null, null, null, null, null));
        assertThat(container.mode()).isEqualTo(NetworkMode.HOST);
        assertThat(container.names()).isEqualTo(NameResolution.NONE);
        assertThat(NetworkJson.readContainer(file("c.json", DATABIND.writeValueAsString(container)))).isEqualTo(container);
    }

    @Test
    void aFieldOfTheWrongKindFailsNamingTheFile() throws IOException {
        Path file = file("n.json", "{\"id\":\"n1\",\"members\":[\"not\",\"an\",\"object\"]}");

        assertThatThrownBy(() -> NetworkJson.readNetwork(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a network record");
        assertThatThrownBy(() -> NetworkJson.readContainer(file("t.json", "{\"id\":")))
                .isInstanceOf(IOException.class);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
