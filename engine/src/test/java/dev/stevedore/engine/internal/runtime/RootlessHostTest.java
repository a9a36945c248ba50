package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RootlessHostTest {
    /** A machine as the check reads it. */
    static final class Machine implements RootlessHost.Facts {
        final Map<String, String> files = new HashMap<>(Map.of(
                "/proc/sys/user/max_user_namespaces", "63000\n",
                "/etc/subuid", "other:100000:65536\nalice:165536:65536\n",
                "/etc/subgid", "1000:165536:65536\n"));
        boolean uidmap = true;

        @Override
        public String userName() {
            return "alice";
        }

        @Override
        public long uid() {
            return 1000;
        }

        @Override
        public long gid() {
            return 1000;
        }

        @Override
        public String read(Path file) {
            return files.getOrDefault(file.toString(), "");
        }

        @Override
        public Optional<Path> program(String name) {
            return uidmap ? Optional.of(Path.of("/usr/bin", name)) : Optional.empty();
        }
    }

    @Test
    void aUserWithARangeByNameOrUidIsMappedRootToTheUserAndTheRestToTheRange() {
        RootlessHost host = RootlessHost.check(new Machine());

        IdMapping ids = host.mapping();
        assertThat(host.warning()).isNull();
        assertThat(ids.singleId()).isFalse();
        assertThat(ids.uidMapArguments()).containsExactly("0", "1000", "1", "1", "165536", "65535");
        assertThat(ids.gidMapArguments()).containsExactly("0", "1000", "1", "1", "165536", "65535");
        assertThat(ids.hostUid(0)).isEqualTo(1000);
        assertThat(ids.hostUid(999)).isEqualTo(165536 + 998);
        assertThat(ids.containerUid(165536 + 998)).isEqualTo(999);
        assertThat(ids.containerUid(1000)).isZero();
        assertThat(ids.containerUid(5)).isEqualTo(-1);
        assertThat(ids.mapsUid(65535)).isTrue();
        assertThat(ids.mapsUid(65536)).isFalse();
    }

    @Test
    void withoutARangeOnlyRootIsMappedAndTheWarningNamesTheFix() {
        Machine machine = new Machine();
        machine.files.put("/etc/subuid", "");
        machine.uidmap = false;

        RootlessHost host = RootlessHost.check(machine);

        assertThat(host.mapping().singleId()).isTrue();
        assertThat(host.mapping().mapsUid(1)).isFalse();
        assertThat(host.mapping().uidMapArguments()).containsExactly("0", "1000", "1");
        assertThat(host.warning()).contains("no subordinate id range")
                .contains("sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice");
    }

    @Test
    void aRangeWithoutNewuidmapIsAnErrorNamingTheDebianPackage() {
        Machine machine = new Machine();
        machine.uidmap = false;

        assertThatThrownBy(() -> RootlessHost.check(machine)).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("newuidmap/newgidmap are not installed")
                .hasMessageContaining("sudo apt-get install uidmap");
    }

    @Test
    void disabledUserNamespacesAreNamedWithTheirSysctl() {
        Machine machine = new Machine();
        machine.files.put("/proc/sys/user/max_user_namespaces", "0\n");
        machine.files.put("/proc/sys/kernel/unprivileged_userns_clone", "0\n");

        assertThatThrownBy(() -> RootlessHost.check(machine)).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("sysctl -w user.max_user_namespaces=")
                .hasMessageContaining("sysctl -w kernel.unprivileged_userns_clone=1")
                .hasMessageContaining("STEVEDORE_ENGINE=docker");
    }
}
