package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceModesTest {
    private static ContainerSpec.Builder spec() {
        return ContainerSpec.builder("busybox");
    }

    @Test
    void blankModesAreTheDefaultsAndKnownOnesAreKept() {
        ContainerSpec defaults = spec().pidMode("").ipcMode("").utsMode("").cgroupnsMode("").usernsMode("").build();
        assertThat(defaults.pidMode()).isNull();
        assertThat(defaults.ipcMode()).isNull();
        assertThat(defaults.utsMode()).isNull();
        assertThat(defaults.cgroupnsMode()).isNull();
        assertThat(defaults.usernsMode()).isNull();

        ContainerSpec set = spec().pidMode("container:db").ipcMode("shareable").utsMode("host").cgroupnsMode("host")
                .usernsMode("host").networkMode("container:db").build();
        assertThat(set.toBuilder().build()).isEqualTo(set);
        assertThat(ContainerSpec.sharedContainer(set.pidMode())).isEqualTo("db");
        assertThat(ContainerSpec.sharedContainer(set.ipcMode())).isNull();
    }

    @Test
    void unknownModesAreRefusedInDockerdsWords() {
        assertThatThrownBy(() -> spec().pidMode("private").build()).hasMessageStartingWith("invalid PID mode: private");
        assertThatThrownBy(() -> spec().pidMode("container:").build()).hasMessageStartingWith("invalid PID mode");
        assertThatThrownBy(() -> spec().ipcMode("bogus").build()).hasMessageStartingWith("Invalid IPC mode: bogus");
        assertThatThrownBy(() -> spec().utsMode("container:db").build()).hasMessageStartingWith("invalid UTS mode");
        assertThatThrownBy(() -> spec().cgroupnsMode("shared").build()).hasMessageStartingWith("invalid cgroup namespace mode");
        assertThatThrownBy(() -> spec().usernsMode("private").build()).hasMessageStartingWith("invalid user namespace mode");
        assertThatThrownBy(() -> spec().utsMode("host").hostname("h").build())
                .hasMessage("conflicting options: hostname and the UTS mode");
    }

    @Test
    void anotherContainersNetworkRefusesWhatItWouldHaveOfItsOwn() {
        assertThatThrownBy(() -> spec().networkMode("container:db").dns("10.0.0.53").build())
                .hasMessage("conflicting options: dns and the network mode");
        assertThatThrownBy(() -> spec().networkMode("container:db").extraHost("a:10.1.2.3").build())
                .hasMessage("conflicting options: custom host-to-IP mapping and the network mode");
        assertThatThrownBy(() -> spec().networkMode("container:db").publishAllPorts(true).build())
                .hasMessage("conflicting options: port publishing and the container type network mode");
        assertThatThrownBy(() -> spec().networkMode("container:db").expose("80/tcp").build())
                .hasMessage("conflicting options: port exposing and the container type network mode");
        assertThatThrownBy(() -> spec().networkMode("container:").build()).hasMessageStartingWith("Invalid network mode");
    }
}
