package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker run --privileged} on an engine that runs containers: each default it turns off is off in a privileged
 * container (every capability the engine holds, no seccomp filter, no no_new_privs, no masked path, {@code /sys}
 * writable, the host's device nodes in {@code /dev}, {@code mount} works), and the same container without it keeps
 * every one of them. Read where the container sees them: {@code /proc/self/status}, {@code /proc/mounts}, {@code /dev}.
 */
public abstract class PrivilegedContract extends EngineContract {
    /**
     * Prints one {@code key:value} line per default: the capability, seccomp and no_new_privs lines of its status,
     * whether {@code /proc/keys} is masked (a character device over it), {@code /sys/firmware}'s file system, whether
     * {@code /sys} is mounted read-write, whether {@code /dev/net/tun} (a node anyone may open on the host, absent from a
     * container's own /dev) is there, and whether a tmpfs mount succeeds.
     */
    protected static final String PROBE = "grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/self/status | tr -d '\\t ';"
            + " [ -c /proc/keys ] && echo keys:masked || echo keys:visible;"
            + " echo firmware:$(stat -f -c %T /sys/firmware);"
            + " echo sys:$(awk '$2==\"/sys\" {split($4, o, \",\"); print o[1]}' /proc/mounts);"
            + " [ -c /dev/net/tun ] && echo tun:present || echo tun:absent;"
            + " mkdir -p /mnt/t && mount -t tmpfs t /mnt/t 2>/dev/null && echo mount:ok || echo mount:denied";

    /**
     * What privileged gives, as {@code /proc/self/status} writes it: a rootful engine's capability bounding set (this
     * JVM's, root's on this host).
     */
    protected String privilegedCapabilities() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .map(l -> l.substring("CapBnd:".length()).strip()).findFirst().orElseThrow();
    }

    /** Docker's 14 default capabilities, as {@code /proc/self/status} writes them. */
    protected String defaultCapabilities() {
        return "00000000a80425fb";
    }

    @Test
    void aPrivilegedContainerHasEveryDefaultTurnedOff() throws IOException {
        ContainerInfo box = started(busybox(PROBE).privileged(true));

        exited(box.id());

        assertThat(logTexts(box.id())).containsExactly("CapEff:" + privilegedCapabilities(), "NoNewPrivs:0", "Seccomp:0",
                "keys:visible", "firmware:sysfs", "sys:rw", "tun:present", "mount:ok");
        assertThat(engine.inspectContainer(box.id()).spec().privileged()).isTrue();
        engine.removeContainer(box.id(), true);
    }

    @Test
    void theSameContainerWithoutPrivilegedKeepsEveryDefault() throws IOException {
        ContainerInfo box = started(busybox(PROBE));

        exited(box.id());

        // its seccomp filter: 2 is filter mode
        assertThat(logTexts(box.id())).containsExactly("CapEff:" + defaultCapabilities(), "NoNewPrivs:1", "Seccomp:2",
                "keys:masked", "firmware:tmpfs", "sys:ro", "tun:absent", "mount:denied");
        assertThat(engine.inspectContainer(box.id()).spec().privileged()).isFalse();
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aPrivilegedExecGetsEveryCapabilityInAContainerThatIsNot() throws IOException {
        ContainerInfo box = started(busybox("sleep 300"));
        String status = "grep -E '^(CapEff|Seccomp):' /proc/self/status | tr -d '\\t '";

        ExecResult privileged = engine.exec(box.id(), ExecSpec.of("sh", "-c", status).withPrivileged(true));
        ExecResult plain = engine.exec(box.id(), ExecSpec.of("sh", "-c", status));

        // as dockerd: the capabilities of the exec, the container's seccomp filter still
        assertThat(privileged.stdout().lines().toList()).isEqualTo(List.of("CapEff:" + privilegedCapabilities(), "Seccomp:2"));
        assertThat(plain.stdout().lines().toList()).isEqualTo(List.of("CapEff:" + defaultCapabilities(), "Seccomp:2"));
        engine.removeContainer(box.id(), true);
    }
}
