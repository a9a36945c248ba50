package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PrivilegedContract} on the embedded engine as root, with a state directory of its own, and what only a
 * rootful engine gives: the host's nodes only root may open, and an exec in a privileged container.
 */
class EmbeddedPrivilegedContractIT extends PrivilegedContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Test
    void aPrivilegedContainerHasTheHostsRootOnlyNodesAndMayUseThem() {
        // 10:237 and 10:229 in hex; opening loop-control works only where the device policy allows every device
        ContainerInfo box = started(busybox("stat -c '%n %F %t:%T' /dev/loop-control /dev/fuse;"
                + " exec 3</dev/loop-control && echo opened").privileged(true));

        exited(box.id());

        assertThat(logTexts(box.id())).containsExactly("/dev/loop-control character special file a:ed",
                "/dev/fuse character special file a:e5", "opened");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void anExecInAPrivilegedContainerIsPrivilegedToo() throws Exception {
        ContainerInfo box = started(busybox("sleep 300").privileged(true));

        var result = engine.exec(box.id(), dev.stevedore.engine.ExecSpec.of("sh", "-c",
                "grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/self/status | tr -d '\\t '"));

        assertThat(result.stdout().lines().toList()).containsExactly("CapEff:" + privilegedCapabilities(), "NoNewPrivs:0",
                "Seccomp:0");
        engine.removeContainer(box.id(), true);
    }
}
