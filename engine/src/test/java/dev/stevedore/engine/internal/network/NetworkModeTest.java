package dev.stevedore.engine.internal.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkModeTest {

    @Test
    void aSettingNamesHostNoneOrElseABridgeNetwork() {
        assertThat(NetworkMode.of(null)).isEqualTo(NetworkMode.BRIDGE);
        assertThat(NetworkMode.of("default")).isEqualTo(NetworkMode.BRIDGE);
        assertThat(NetworkMode.of("my-network")).isEqualTo(NetworkMode.BRIDGE);
        assertThat(NetworkMode.of("host")).isEqualTo(NetworkMode.HOST);
        assertThat(NetworkMode.of("none")).isEqualTo(NetworkMode.NONE);
        // another container's network: nothing of its own to wire
        assertThat(NetworkMode.of("container:db")).isEqualTo(NetworkMode.NONE);
    }

    @Test
    void recordsKeepTheModeInLowerCaseAsBefore() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ContainerRecord record = new ContainerRecord("c".repeat(64), "web", "web", NetworkMode.HOST, List.of(), List.of(), null, null);
        String written = json.writeValueAsString(record);
        assertThat(written).contains("\"mode\":\"host\"");
        assertThat(json.readValue(written.replace("\"host\"", "\"none\""), ContainerRecord.class).mode()).isEqualTo(NetworkMode.NONE);
    }
}
