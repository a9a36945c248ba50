package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Mount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DevicesContract} plus what a rootful engine's device policy does with {@code --device}: the node is allowed
 * for the accesses asked for and no others, a node of the host's made anywhere (not only in {@code /dev}) can be given,
 * and any other device stays refused, whatever the container's capabilities and mounts. dockerd's rules and the
 * embedded engine's device program must agree; {@code /proc/self/status} aside, nothing here asks the engine itself.
 */
public abstract class RootfulDevicesContract extends DevicesContract {
    private Path nodes;

    @BeforeEach
    void makeNode() throws IOException, InterruptedException {
        nodes = Files.createTempDirectory("stevedore-devices-");
        // the numbers of /dev/loop-control (10:237), which no standard rule allows, on a node of the test's own
        Process mknod = new ProcessBuilder("mknod", "-m", "0600", nodes.resolve("node").toString(), "c", "10", "237")
                .redirectErrorStream(true).start();
        assertThat(mknod.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mknod.exitValue()).as(new String(mknod.getInputStream().readAllBytes())).isZero();
    }

    @AfterEach
    void removeNode() throws IOException {
        Files.deleteIfExists(nodes.resolve("node"));
        Files.deleteIfExists(nodes);
    }

    @Test
    void aDeviceIsAllowedForWhatItAsksAndAnyOtherDeviceStaysRefused() {
        // the policy goes by numbers: the two devices given must differ in them (10:237 and /dev/fuse's 10:229)
        // a subshell per open: a redirection that fails ends a non-interactive shell
        String script = "(exec 3<>/dev/given) 2>/dev/null && echo given-rw || echo given-rw-refused;"
                + " (exec 3</dev/readonly) 2>/dev/null && echo readonly-r || echo readonly-r-refused;"
                + " (exec 3<>/dev/readonly) 2>/dev/null && echo readonly-rw || echo readonly-rw-refused;"
                // another device on a tmpfs mounted with dev: made (dockerd lets any node be made) or not, unusable
                + " mknod /x/disk b 7 0 2>/dev/null; (exec 3</x/disk) 2>/dev/null && echo other || echo other-refused";

        ContainerInfo box = started(busybox(script).device(nodes.resolve("node") + ":/dev/given:rw")
                .device("/dev/fuse:/dev/readonly:r").mount(Mount.tmpfs("/x", "dev,exec")));

        exited(box.id());

        assertThat(logTexts(box.id())).containsExactly("given-rw", "readonly-r", "readonly-rw-refused", "other-refused");
        engine.removeContainer(box.id(), true);
    }
}
