package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceTest {

    @Test
    void parsesTheFormsTheDockerCliTakes() {
        assertThat(Device.parse("/dev/fuse")).isEqualTo(new Device("/dev/fuse", "/dev/fuse", "rwm"));
        assertThat(Device.parse("/dev/fuse:/dev/f")).isEqualTo(new Device("/dev/fuse", "/dev/f", "rwm"));
        assertThat(Device.parse("/dev/fuse:r")).isEqualTo(new Device("/dev/fuse", "/dev/fuse", "r"));
        assertThat(Device.parse("/dev/fuse:/dev/f:mw")).isEqualTo(new Device("/dev/fuse", "/dev/f", "mw"));
        assertThat(Device.parse("/dev/fuse:/dev/f:mw")).hasToString("/dev/fuse:/dev/f:mw");
    }

    @Test
    void refusesABadModeARelativePathAndTooManyParts() {
        assertThatThrownBy(() -> Device.parse("/dev/fuse:/dev/f:rwz")).hasMessageStartingWith("bad mode specified: rwz");
        assertThatThrownBy(() -> Device.parse("/dev/fuse:/dev/f:rr")).hasMessageStartingWith("bad mode specified: rr");
        assertThatThrownBy(() -> Device.parse("/dev/fuse:dev/f")).hasMessageContaining("must be absolute");
        assertThatThrownBy(() -> Device.parse("/dev/fuse:/dev/../f")).hasMessageContaining("without . or ..");
        assertThatThrownBy(() -> Device.parse("/a:/b:r:x")).hasMessageStartingWith("invalid device specification");
    }

    @Test
    void readsThePermissions() {
        assertThat(Device.parse("/dev/fuse:r").readable()).isTrue();
        assertThat(Device.parse("/dev/fuse:r").writable()).isFalse();
        assertThat(Device.parse("/dev/fuse:wm").writable()).isTrue();
    }
}
