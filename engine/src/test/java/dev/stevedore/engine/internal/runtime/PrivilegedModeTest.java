package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PrivilegedModeTest {
    private static final Path DEV = Path.of("/dev");

    @Test
    void theHostsNodesAreListedAtTheirPathsWithoutThoseAContainerHasOfItsOwn() {
        List<String> paths = PrivilegedMode.devices(DEV, List.of(), false).stream().map(DeviceNode::containerPath).toList();

        assertThat(paths).contains("/dev/fuse", "/dev/loop-control", "/dev/net/tun")
                .doesNotContain("/dev/null", "/dev/tty", "/dev/ptmx", "/dev/console")
                .noneMatch(p -> p.startsWith("/dev/pts/") || p.startsWith("/dev/shm/") || p.startsWith("/dev/mqueue/"));
        assertThat(PrivilegedMode.devices(DEV, List.of(), false)).allMatch(d -> d.permissions().equals("rwm"));
    }

    @Test
    void aDeviceAskedForWinsAtItsPath() {
        DeviceNode asked = new DeviceNode(Path.of("/dev/full"), "/dev/fuse", 'c', 1, 7, "r");

        List<DeviceNode> nodes = PrivilegedMode.devices(DEV, List.of(asked), false);

        assertThat(nodes.stream().filter(d -> d.containerPath().equals("/dev/fuse")).collect(Collectors.toList()))
                .containsExactly(asked);
    }

    @Test
    void everyDefaultIsTurnedOffAndNoNewPrivilegesOnlyWhenAsked() {
        RuntimeSpec spec = PrivilegedMode.apply(RuntimeSpec.builder(Path.of("/var/lib/s/c1"), List.of(Path.of("/l")),
                List.of("true")), List.of()).build();

        assertThat(spec.privileged()).isTrue();
        assertThat(spec.capabilities()).containsExactlyInAnyOrder(Capability.values());
        assertThat(spec.seccomp()).isNull();
        assertThat(spec.maskedPaths()).isEmpty();
        assertThat(spec.readonlyPaths()).isEmpty();
        assertThat(spec.noNewPrivileges()).isFalse();
        assertThat(PrivilegedMode.noNewPrivileges(List.of("no-new-privileges"))).isTrue();
        assertThat(PrivilegedMode.noNewPrivileges(List.of("seccomp=unconfined"))).isFalse();
    }
}
