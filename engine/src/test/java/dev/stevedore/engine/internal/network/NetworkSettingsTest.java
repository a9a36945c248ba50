package dev.stevedore.engine.internal.network;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkSettingsTest {

    @Test
    void defaultsCarveSlash24sFromARangeClearOfDockerAndPodman() {
        NetworkSettings d = NetworkSettings.from(name -> null);
        assertThat(d.pool()).containsExactly("10.199.0.0/16");
        assertThat(d.subnetPrefixLength()).isEqualTo(24);
        Subnet pool = Subnet.parse(d.pool().get(0));
        for (String taken : List.of("172.17.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "10.88.0.0/16", "10.89.0.0/16")) {
            assertThat(pool.overlaps(Subnet.parse(taken))).as(taken).isFalse();
        }
    }

    @Test
    void readsVariables() {
        Map<String, String> env = Map.of("STEVEDORE_NETWORK_POOL", "10.50.0.0/16, 10.51.0.0/16",
                "STEVEDORE_NETWORK_PREFIX", "26", "STEVEDORE_NETWORK_LOCK", "/tmp/x.lock");
        NetworkSettings s = NetworkSettings.from(env::get);
        assertThat(s.pool()).containsExactly("10.50.0.0/16", "10.51.0.0/16");
        assertThat(s.subnetPrefixLength()).isEqualTo(26);
        assertThat(s.lockFile()).isEqualTo(Path.of("/tmp/x.lock"));
    }

    @Test
    void refusesBadPools() {
        assertThatThrownBy(() -> NetworkSettings.defaults().withPool()).hasMessageContaining("empty");
        assertThatThrownBy(() -> NetworkSettings.defaults().withPool("10.50.0.1/16")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> new NetworkSettings(List.of("10.50.0.0/16"), 30, Path.of("/tmp/l")))
                .hasMessageContaining("between 16 and 28");
    }
}
