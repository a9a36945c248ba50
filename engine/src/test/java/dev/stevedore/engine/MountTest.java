package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MountTest {

    @Test
    void parseKeepsTheModeAsWrittenAndReadsRoFromIt() {
        assertThat(Mount.parse("/host:/ctr:ro,z"))
                .isEqualTo(new Mount(Mount.Type.BIND, "/host", "/ctr", true, "ro,z"));
        assertThat(Mount.parse("data:/ctr:rshared,nocopy"))
                .isEqualTo(new Mount(Mount.Type.VOLUME, "data", "/ctr", false, "rshared,nocopy"));
        assertThat(Mount.parse("/host:/ctr")).isEqualTo(Mount.bind("/host", "/ctr", false));
    }

    @Test
    void parseRefusesAModeWordDockerdDoesNotTakeInItsWords() {
        assertThatThrownBy(() -> Mount.parse("/host:/ctr:ro,bogus")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid mode: ro,bogus (in '/host:/ctr:ro,bogus';");
        assertThatThrownBy(() -> Mount.parse("/host:/ctr:ro,")).hasMessageStartingWith("invalid mode: ro,");
        assertThatThrownBy(() -> Mount.parse("/host")).hasMessageStartingWith("invalid volume specification: '/host'");
        assertThatThrownBy(() -> Mount.parse("/host:ctr")).hasMessage(
                "invalid volume specification: '/host:ctr': mount target \"ctr\" must be an absolute path in the container");
    }
}
