package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Resources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Limits of rootless containers, run as the test bed's user with a delegated cgroup subtree (the engine's rootless
 * Failsafe execution starts its JVM inside it, as a systemd login would): every limit is read from the host, in the
 * container's own groups, which lie inside the subtree and go with the container. The refusal without delegation is
 * SingleIdRootlessIT's (its user has none).
 */
class RootlessLimitsIT {
    @TempDir
    static Path state;
    static ContainerEngine engine;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void open() {
        assertThat(System.getProperty("user.name")).as("RootlessLimitsIT runs as an ordinary user (the rootless Failsafe execution)")
                .isNotEqualTo("root");
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterAll
    static void close() throws IOException {
        engine.close();
        dev.stevedore.engine.internal.os.FileTrees.deleteRecursively(state);
    }

    @AfterEach
    void cleanUp() {
        for (String id : created) {
            try {
                engine.removeContainer(id, true);
            } catch (ContainerNotFoundException e) {
                // removed by the test
            }
        }
    }

    private ContainerInfo run(ContainerSpec.Builder spec) {
        ContainerInfo info = engine.runContainer(spec.build());
        created.add(info.id());
        return info;
    }

    @Test
    void pidsAndMemoryLimitsAreInTheContainersOwnGroupsInsideTheDelegatedSubtree() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).pidsLimit(64).memoryBytes(64L << 20).cmd("sleep", "1000"));
        long pid = info.state().pid();

        assertThat(read(CgroupPaths.file(pid, "pids", "pids.max"))).isEqualTo("64");
        assertThat(read(CgroupPaths.memoryLimit(pid))).isEqualTo(Long.toString(64L << 20));
        for (String controller : List.of("pids", "memory", "")) {
            Path group = CgroupPaths.group(pid, controller);
            assertThat(group).as("the container's %s group", controller.isEmpty() ? "v2" : controller)
                    .startsWith(CgroupPaths.group(ProcessHandle.current().pid(), controller).getParent())
                    .isNotEqualTo(CgroupPaths.group(ProcessHandle.current().pid(), controller));
            assertThat(Files.getOwner(group).getName()).isEqualTo(System.getProperty("user.name"));
        }
    }

    @Test
    void aContainerThatAsksForNoLimitGetsTheDefaultPidsLimit() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("sleep", "1000"));

        assertThat(read(CgroupPaths.file(info.state().pid(), "pids", "pids.max"))).isEqualTo("4096");
    }

    @Test
    void aBoundedForkBombIsContainedByThePidsLimit() throws Exception {
        // the forking subshell ends at its first refused fork; pid 1 goes on without forking again
        ContainerInfo info = run(ContainerSpec.builder(busybox()).pidsLimit(32).cmd("sh", "-c",
                "(i=0; while [ $i -lt 200 ]; do sleep 1000 & i=$((i+1)); done) 2>/dev/null; exec sleep 1000"));
        Path pids = CgroupPaths.group(info.state().pid(), "pids");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(read(pids.resolve("pids.events"))).as("forks refused by the limit").isNotEqualTo("max 0"));
        assertThat(Long.parseLong(read(pids.resolve("pids.current")))).isBetween(2L, 32L);
        assertThat(engine.inspectContainer(info.id()).state().running()).as("the container outlives its fork bomb").isTrue();
        // the host still forks
        Process host = new ProcessBuilder("true").start();
        assertThat(host.waitFor()).isZero();
    }

    @Test
    void statsPauseAndUpdateActOnTheDelegatedGroups() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).memoryBytes(48L << 20).cmd("sleep", "1000"));

        var stats = engine.stats(info.id());
        assertThat(stats.memoryLimitBytes()).isEqualTo(48L << 20);
        assertThat(stats.pidsLimit()).isEqualTo(4096);
        engine.pauseContainer(info.id());
        assertThat(read(CgroupPaths.file(info.state().pid(), "", "cgroup.freeze"))).as("frozen by its v2 group").isEqualTo("1");
        engine.unpauseContainer(info.id());
        assertThat(read(CgroupPaths.file(info.state().pid(), "", "cgroup.freeze"))).isEqualTo("0");
    }

    @Test
    void theGroupsGoWithTheContainer() throws Exception {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).memoryBytes(32L << 20).cmd("sleep", "1000"));
        List<Path> groups = List.of(CgroupPaths.group(info.state().pid(), "pids"),
                CgroupPaths.group(info.state().pid(), "memory"), CgroupPaths.group(info.state().pid(), ""));
        assertThat(groups).allSatisfy(g -> assertThat(g).isDirectory());

        engine.removeContainer(info.id(), true);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(groups).allSatisfy(g -> assertThat(g).doesNotExist()));
    }

    /** The group an update makes (the container had no memory group) is the next run's problem no more. */
    @Test
    void anUpdatedLimitHoldsAcrossStopAndStartAndNoGroupOutlivesTheContainer() throws Exception {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("sleep", "1000"));
        engine.updateContainer(info.id(), ContainerUpdate.none().withMemoryBytes(40L << 20));
        Path updated = CgroupPaths.group(engine.inspectContainer(info.id()).state().pid(), "memory");

        engine.stopContainer(info.id(), Duration.ZERO);
        engine.startContainer(info.id());

        assertThat(engine.stats(info.id()).memoryLimitBytes()).as("the updated limit, on the new run").isEqualTo(40L << 20);
        Path restarted = CgroupPaths.group(engine.inspectContainer(info.id()).state().pid(), "memory");
        engine.removeContainer(info.id(), true);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(List.of(updated, restarted)).allSatisfy(g -> assertThat(g).doesNotExist()));
    }

    @Test
    void cpuSharesAndQuotaAreInTheDelegatedCpuGroupAndAnUndelegatedCpusetIsRefused() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).resources(new Resources(512, 50_000, 25_000, "", "", 0))
                .cmd("sleep", "1000"));
        long pid = info.state().pid();
        if (CgroupPaths.v1(pid, "cpu")) {
            assertThat(read(CgroupPaths.file(pid, "cpu", "cpu.shares"))).isEqualTo("512");
            assertThat(read(CgroupPaths.file(pid, "cpu", "cpu.cfs_quota_us"))).isEqualTo("25000");
        } else {
            assertThat(read(CgroupPaths.file(pid, "cpu", "cpu.max"))).isEqualTo("25000 50000");
        }
        assertThat(CgroupPaths.group(pid, "cpu")).startsWith(CgroupPaths.group(ProcessHandle.current().pid(), "cpu").getParent());
        engine.updateContainer(info.id(), ContainerUpdate.none().withResources(Resources.cpuShares(256)));
        if (CgroupPaths.v1(pid, "cpu")) {
            assertThat(read(CgroupPaths.file(pid, "cpu", "cpu.shares"))).isEqualTo("256");
        }

        // the test bed delegates pids, memory and cpu (as Delegate=pids memory cpu would): a cpuset is refused, saying so
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(ContainerSpec.builder(busybox())
                        .resources(Resources.NONE.withCpuset("0", "")).cmd("true")))
                .isInstanceOf(dev.stevedore.engine.ContainerEngineException.class)
                .hasMessageContaining("asks for a cpuset").hasMessageContaining("no cpuset cgroup controller delegated");
    }

    @Test
    void aSwapLimitAndOomSwitchAreInTheDelegatedMemoryGroupAndADeviceRuleIsRefused() throws IOException {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).memoryBytes(64L << 20).resources(Resources.NONE
                .withAdvanced(dev.stevedore.engine.AdvancedResources.NONE.withMemorySwap(192L << 20).withOomKillDisable(true)))
                .cmd("sleep", "1000"));
        long pid = info.state().pid();
        if (CgroupPaths.v1(pid, "memory")) {
            assertThat(read(CgroupPaths.file(pid, "memory", "memory.memsw.limit_in_bytes"))).isEqualTo(Long.toString(192L << 20));
            assertThat(read(CgroupPaths.file(pid, "memory", "memory.oom_control"))).startsWith("oom_kill_disable 1");
        }
        assertThat(CgroupPaths.group(pid, "memory")).startsWith(CgroupPaths.group(ProcessHandle.current().pid(), "memory")
                .getParent());

        // an ordinary user polices no devices (no device program, no v1 rules): a rule is refused, saying so
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(ContainerSpec.builder(busybox()).resources(Resources.NONE
                        .withAdvanced(dev.stevedore.engine.AdvancedResources.NONE.withDeviceCgroupRules(List.of("c 10:229 rw"))))
                        .cmd("true")))
                .hasMessageContaining("--device-cgroup-rule [c 10:229 rw] cannot be applied");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }
}
