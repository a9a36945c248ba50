package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MacAddressTest {

    @Test
    void sixHexPairsAreTheAddressAndKeptAsGiven() {
        assertThat(ContainerSpec.macAddress("02:42:AC:11:00:0f")).containsExactly(0x02, 0x42, 0xac, 0x11, 0x00, 0x0f);
        assertThat(ContainerSpec.builder("busybox").macAddress("02:42:AC:11:00:0f").build().macAddress())
                .isEqualTo("02:42:AC:11:00:0f");
    }

    @Test
    void anythingElseIsRefusedInTheDockerCliWords() {
        for (String bad : new String[] {"zz", "02:42:ac:11:00", "02:42:ac:11:00:02:03", "02-42-ac-11-00-02", "2:42:ac:11:00:02"}) {
            assertThatThrownBy(() -> ContainerSpec.builder("busybox").macAddress(bad).build()).as(bad)
                    .hasMessageStartingWith(bad + " is not a valid mac address");
        }
    }

    @Test
    void aMulticastAddressIsRefusedSayingWhy() {
        assertThatThrownBy(() -> ContainerSpec.macAddress("03:42:ac:11:00:02")).hasMessageContaining("multicast");
    }
}
