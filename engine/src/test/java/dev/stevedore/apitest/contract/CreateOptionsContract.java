package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * What {@code docker run}'s options beyond image, command and mounts do inside the container, the same on every
 * engine: capabilities added and dropped ({@code --cap-add}/{@code --cap-drop}) reach the container's first process
 * and its execs; extra hosts ({@code --add-host}) come into its {@code /etc/hosts} and its resolver settings
 * ({@code --dns}, {@code --dns-search}, {@code --dns-option}) replace the host's in its {@code /etc/resolv.conf}, as
 * Docker writes them; resource limits ({@code --ulimit}) reach the first process and its execs, lowered or raised, and
 * a hard limit above what the kernel allows anyone fails the start; inspect echoes each.
 *
 * <p>Runs on both engines and through {@code stevedore serve} ({@code EmbeddedCreateOptionsContractIT},
 * {@code DockerCreateOptionsContractIT}, {@code ServeCreateOptionsContractIT}).
 */
public abstract class CreateOptionsContract extends EngineContract {
    private static final int CHOWN = 0;
    private static final int NET_ADMIN = 12;
    private static final int NET_RAW = 13;
    private static final int SYS_TIME = 25;
    private static final int MKNOD = 27;
    /** Docker's default 14 capabilities as the kernel's mask. */
    private static final long DOCKER_DEFAULTS = 0xa80425fbL;

    @Test
    void capAddAndCapDropChangeTheCapabilitiesOfTheContainerAndItsExecs() {
        ContainerInfo box = started(busybox("grep CapEff /proc/self/status; sleep 3600")
                .capAdd("NET_ADMIN", "cap_sys_time").capDrop("NET_RAW"));
        await().atMost(PATIENCE).until(() -> !logTexts(box.id()).isEmpty());

        long first = mask(logTexts(box.id()).get(0));
        ExecResult exec = engine.exec(box.id(), ExecSpec.of("grep", "CapEff", "/proc/self/status"));

        // MKNOD aside: an engine keeps it only where a device policy applies (rootless has none, see the README)
        assertThat(first & ~(1L << MKNOD))
                .isEqualTo((DOCKER_DEFAULTS | 1L << NET_ADMIN | 1L << SYS_TIME) & ~(1L << NET_RAW | 1L << MKNOD));
        assertThat(bit(first, NET_RAW)).isFalse();
        assertThat(mask(exec.stdout().strip())).isEqualTo(first);
        ContainerInfo inspected = engine.inspectContainer(box.id());
        assertThat(inspected.spec().capAdd()).containsExactly("NET_ADMIN", "cap_sys_time");
        assertThat(inspected.spec().capDrop()).containsExactly("NET_RAW");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aCapabilityAddedIsOneTheContainerCanUse() {
        // setting the loopback's MTU takes CAP_NET_ADMIN over the container's own network namespace
        String script = "ip link set lo mtu 1400 && echo changed || echo refused";

        ContainerInfo without = started(busybox(script));
        ContainerInfo with = started(busybox(script).capAdd("NET_ADMIN"));

        exited(without.id());
        exited(with.id());
        assertThat(logTexts(without.id())).contains("refused");
        assertThat(logTexts(with.id())).containsExactly("changed");
        engine.removeContainer(without.id(), true);
        engine.removeContainer(with.id(), true);
    }

    @Test
    void droppingAllKeepsOnlyTheCapabilitiesAdded() {
        ContainerInfo box = started(busybox("grep CapEff /proc/self/status; chown 1 /tmp && echo chowned")
                .capDrop("ALL").capAdd("CHOWN"));

        exited(box.id());

        List<String> lines = logTexts(box.id());
        assertThat(mask(lines.get(0))).isEqualTo(1L << CHOWN);
        assertThat(lines).contains("chowned");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void droppingAllWithoutAddingLeavesARootProcessNoCapabilities() {
        ContainerInfo box = started(busybox("grep CapEff /proc/self/status; chown 1 /tmp 2>/dev/null || echo cannot-chown")
                .capDrop("ALL"));

        exited(box.id());

        assertThat(mask(logTexts(box.id()).get(0))).isZero();
        assertThat(logTexts(box.id())).contains("cannot-chown");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void extraHostsAndResolverSettingsAreWrittenAsDockerWritesThem() {
        // host-gateway is where the container reaches the host: it answers a ping
        ContainerInfo box = started(busybox("cat /etc/hosts /etc/resolv.conf; ping -c 1 -W 5 gw >/dev/null && echo gw-answers")
                .extraHost("db:10.1.2.3").extraHost("gw:host-gateway").extraHost("db6:fd00::5")
                .dns("10.0.0.53").dns("10.0.0.54").dnsSearch("example.org").dnsOption("ndots:2"));

        exited(box.id());

        List<String> lines = logTexts(box.id());
        assertThat(lines).containsSubsequence("127.0.0.1\tlocalhost", "10.1.2.3\tdb", "fd00::5\tdb6")
                .contains("gw-answers").anyMatch(line -> line.matches("[0-9.]+\tgw"));
        assertThat(lines.stream().filter(l -> l.startsWith("nameserver") || l.startsWith("search") || l.startsWith("options")))
                .containsExactly("search example.org", "nameserver 10.0.0.53", "nameserver 10.0.0.54", "options ndots:2");
        ContainerInfo inspected = engine.inspectContainer(box.id());
        assertThat(inspected.spec().extraHosts()).containsExactly("db:10.1.2.3", "gw:host-gateway", "db6:fd00::5");
        assertThat(inspected.spec().dns()).containsExactly("10.0.0.53", "10.0.0.54");
        assertThat(inspected.spec().dnsSearch()).containsExactly("example.org");
        assertThat(inspected.spec().dnsOptions()).containsExactly("ndots:2");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void anExtraHostResolvesInTheContainer() {
        // ping names the address it resolved before it sends anything: the C library read /etc/hosts
        ContainerInfo box = started(busybox("ping -c 1 -W 1 db 2>&1 | head -1").extraHost("db:10.1.2.3"));

        exited(box.id());

        assertThat(logTexts(box.id())).first().asString().startsWith("PING db (10.1.2.3)");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void ulimitsReachTheContainerAndItsExecs() {
        ContainerInfo box = started(busybox("ulimit -n; ulimit -Hn; ulimit -c; sleep 3600")
                .ulimit("nofile=1024:2048").ulimit("core=-1"));
        await().atMost(PATIENCE).until(() -> logTexts(box.id()).size() == 3);

        ExecResult exec = engine.exec(box.id(), ExecSpec.of("sh", "-c", "ulimit -n; ulimit -Hn"));

        assertThat(logTexts(box.id())).containsExactly("1024", "2048", "unlimited");
        // the hard limit only: dockerd's runc (1.1) hands an exec the soft nofile limit raised to the hard one, as the
        // Go runtime raises its own (runc issue 4195); the embedded engine gives the exec the container's 1024
        assertThat(exec.stdout().lines()).hasSize(2).last().isEqualTo("2048");
        assertThat(engine.inspectContainer(box.id()).spec().ulimits()).containsExactly("nofile=1024:2048", "core=-1:-1");
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aHardLimitAboveWhatTheKernelAllowsFailsTheStart() throws java.io.IOException {
        // read by lines: Files.readString returned only the first digit of this procfs file
        long nrOpen = Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/fs/nr_open")).get(0).strip());

        ContainerStartException failed = catchThrowableOfType(ContainerStartException.class,
                () -> started(busybox("true").ulimit("nofile=1024:" + (nrOpen + 1))));

        assertThat(failed).as("the start with a hard nofile limit past fs.nr_open").isNotNull();
        assertThat(failed.getMessage()).containsIgnoringCase(ulimitRefusal());
        engine.removeContainer(failed.containerId(), true);
    }

    /** What the engine's refusal of a limit above the host's says (runc's words differ from the launcher's). */
    protected abstract String ulimitRefusal();

    /** {@code CapEff:\t00000000a80425fb} → its mask. */
    private static long mask(String statusLine) {
        assertThat(statusLine).startsWith("CapEff:");
        return Long.parseUnsignedLong(statusLine.substring("CapEff:".length()).strip(), 16);
    }

    private static boolean bit(long mask, int capability) {
        return (mask & 1L << capability) != 0;
    }
}
