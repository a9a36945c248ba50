package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.PortBinding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Namespace modes ({@code --pid}, {@code --ipc}, {@code --uts}, {@code --cgroupns}, {@code --network container:}):
 * a container that joins another's namespace sees its processes, its System V IPC and {@code /dev/shm}, its loopback
 * and hostname; joining one that does not run, or a private IPC namespace, is refused in dockerd's words; the host's
 * modes share the host's; inspect echoes each mode with the joined container's id.
 *
 * <p>Runs on dockerd, the embedded engine as root and the rootless one ({@code *NamespaceContractIT}); the rootless
 * engine refuses {@code --pid host} and {@code --ipc host} ({@link #rootless()}).
 */
public abstract class NamespaceContract extends EngineContract {

    /** Whether the engine runs as an ordinary user, which cannot share the host's pid and IPC namespaces. */
    protected boolean rootless() {
        return false;
    }

    private ContainerInfo sleeper(ContainerSpec.Builder spec) {
        return started(spec.name(uniqueName("ns-owner")));
    }

    @Test
    void pidOfAnotherContainerShowsItsProcesses() {
        ContainerInfo owner = sleeper(busybox("exec sleep 301"));

        ContainerInfo joiner = started(busybox("ps -o args").pidMode("container:" + owner.name()));

        assertThat(exited(joiner.id()).exitCode()).isZero();
        assertThat(logTexts(joiner.id())).anySatisfy(line -> assertThat(line).contains("sleep 301"));
        assertThat(engine.inspectContainer(joiner.id()).spec().pidMode()).isEqualTo("container:" + owner.id());
    }

    @Test
    void theOwnerOfASharedPidNamespaceStopsAndIsRemovedAndItsProcessesGoWithIt() {
        ContainerInfo owner = sleeper(busybox("exec sleep 304"));
        ContainerInfo joiner = started(busybox("exec sleep 305").pidMode("container:" + owner.name()));

        engine.stopContainer(owner.id(), Duration.ofSeconds(1));
        engine.removeContainer(owner.id(), true);

        // the kernel ends every process of a pid namespace whose init ends, as on dockerd
        assertThat(exited(joiner.id()).exitCode()).isEqualTo(137);
    }

    @Test
    void ipcOfAShareableContainerSharesItsShmAndIpcNamespace() {
        ContainerInfo owner = sleeper(busybox("echo shared-$((6*7)) > /dev/shm/note && exec sleep 302").ipcMode("shareable"));
        awaitFile(owner.id(), "/dev/shm/note");

        ContainerInfo joiner = started(busybox("cat /dev/shm/note; readlink /proc/self/ns/ipc")
                .ipcMode("container:" + owner.name()));

        assertThat(exited(joiner.id()).exitCode()).isZero();
        String ownerIpc = engine.exec(owner.id(), ExecSpec.of("readlink", "/proc/self/ns/ipc"))
                .stdout().trim();
        assertThat(logTexts(joiner.id())).containsExactly("shared-42", ownerIpc);
        assertThat(engine.inspectContainer(joiner.id()).spec().ipcMode()).isEqualTo("container:" + owner.id());
        assertThat(engine.inspectContainer(owner.id()).spec().ipcMode()).isEqualTo("shareable");
    }

    @Test
    void ipcOfAPrivateContainerIsRefused() {
        ContainerInfo owner = sleeper(busybox("exec sleep 303").ipcMode("private"));

        assertThatThrownBy(() -> started(busybox("true").ipcMode("container:" + owner.name())))
                .hasMessageContaining("non-shareable IPC");
    }

    @Test
    void ipcNoneHasNoShm() {
        ContainerInfo none = started(busybox("grep -c ' /dev/shm ' /proc/mounts; true").ipcMode("none"));

        assertThat(exited(none.id()).exitCode()).isZero();
        assertThat(logTexts(none.id())).containsExactly("0");
    }

    @Test
    void networkOfAnotherContainerReachesItsLoopbackWithItsHostname() {
        ContainerInfo owner = sleeper(busybox(HTTPD));

        ContainerInfo joiner = started(busybox("hostname; for i in $(seq 1 150); do"
                + " wget -qO- http://127.0.0.1:8080/index.html && exit 0; sleep 0.2; done; exit 1")
                .networkMode("container:" + owner.name()));

        assertThat(exited(joiner.id()).exitCode()).isZero();
        String ownerHostname = engine.exec(owner.id(), ExecSpec.of("hostname")).stdout().trim();
        assertThat(logTexts(joiner.id())).containsExactly(ownerHostname, "hello-port");
        assertThat(engine.inspectContainer(joiner.id()).spec().networkMode()).isEqualTo("container:" + owner.id());
        assertThat(engine.inspectContainer(joiner.id()).networks()).as("no network of its own").isEmpty();
    }

    @Test
    void joiningAContainerThatDoesNotRunIsRefused() {
        ContainerInfo owner = engine.createContainer(busybox("true").name(uniqueName("ns-idle")).build());

        assertThatThrownBy(() -> started(busybox("true").pidMode("container:" + owner.name())))
                .hasMessageContaining("container " + owner.id() + " is not running");
        assertThatThrownBy(() -> started(busybox("true").networkMode("container:" + owner.name())))
                .hasMessageContaining("cannot join network of a non running container: " + owner.id());
    }

    @Test
    void networkOfAnotherContainerRefusesPortsAndAHostname() {
        assertThatThrownBy(() -> busybox("true").networkMode("container:x").port(PortBinding.parse("8080")).build())
                .hasMessage("conflicting options: port publishing and the container type network mode");
        assertThatThrownBy(() -> busybox("true").networkMode("container:x").hostname("h").build())
                .hasMessage("conflicting options: hostname and the network mode");
    }

    @Test
    void utsHostHasTheHostsHostname() throws IOException {
        ContainerInfo c = started(busybox("hostname").utsMode("host"));

        assertThat(exited(c.id()).exitCode()).isZero();
        assertThat(logTexts(c.id())).containsExactly(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
        assertThat(engine.inspectContainer(c.id()).spec().utsMode()).isEqualTo("host");
    }

    @Test
    void pidHostSeesTheHostsInitOrIsRefusedRootless() throws IOException {
        String hostInit = Files.readString(Path.of("/proc/1/comm")).trim();
        ContainerSpec.Builder spec = busybox("cat /proc/1/comm").pidMode("host");
        if (rootless()) {
            assertThatThrownBy(() -> started(spec)).hasMessageContaining("--pid host is not available to a rootless engine");
            return;
        }
        ContainerInfo c = started(spec);

        assertThat(exited(c.id()).exitCode()).isZero();
        assertThat(logTexts(c.id())).containsExactly(hostInit);
    }

    @Test
    void cgroupnsPrivateHidesTheHostsPathsAndHostShowsThem() {
        ContainerInfo own = started(busybox("cat /proc/self/cgroup").cgroupnsMode("private"));
        ContainerInfo host = started(busybox("cat /proc/self/cgroup").cgroupnsMode("host"));

        assertThat(exited(own.id()).exitCode()).isZero();
        assertThat(exited(host.id()).exitCode()).isZero();
        List<String> ownLines = logTexts(own.id());
        assertThat(ownLines).isNotEmpty().allSatisfy(line -> assertThat(line).endsWith(":/"));
        assertThat(logTexts(host.id())).anySatisfy(line -> assertThat(line).doesNotEndWith(":/"));
        assertThat(engine.inspectContainer(host.id()).spec().cgroupnsMode()).isEqualTo("host");
    }

    /** Waits until {@code path} exists in the running container: its command wrote it. */
    private void awaitFile(String container, String path) {
        Awaitility.await().atMost(PATIENCE).until(() ->
                engine.exec(container, ExecSpec.of("test", "-e", path)).exitCode() == 0);
    }
}
