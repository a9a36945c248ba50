package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.engine.ContainerEngineException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CgroupsTest {
    private static final List<String> MIXED_MOUNTS = List.of(
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "40 31 0:37 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
    private static final List<String> MIXED_GROUPS = List.of(
            "8:pids:/", "5:devices:/", "4:memory:/ci/job-17", "1:cpu:/", "0::/");

    @Test
    void mixedLayoutTakesV1ControllersWhenTheUnifiedHierarchyLacksThem() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, file -> "hugetlb");

        assertThat(cgroups.controller("memory")).hasValue(
                new Cgroups.Controller("memory", Path.of("/sys/fs/cgroup/memory"), "/ci/job-17", false));
        assertThat(cgroups.controller("pids")).hasValueSatisfying(c -> assertThat(c.unified()).isFalse());
    }

    @Test
    void v1LimitsNestUnderThisProcesssOwnGroupAndTheDeviceProgramGoesOnTheV2Group() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, file -> "");

        Cgroups.Plan plan = cgroups.plan(new ResourceLimits(64L << 20, 1_500_000_000L, 50), "c1");

        Path v2 = Path.of("/sys/fs/cgroup/unified/stevedore/c1");
        assertThat(plan.groups()).containsExactly(
                Map.entry(v2, List.of()),
                Map.entry(Path.of("/sys/fs/cgroup/memory/ci/job-17/stevedore-c1"),
                        List.of(new Cgroups.Write("memory.limit_in_bytes", "67108864"))),
                Map.entry(Path.of("/sys/fs/cgroup/cpu/stevedore-c1"), List.of(new Cgroups.Write("cpu.cfs_period_us", "100000"),
                        new Cgroups.Write("cpu.cfs_quota_us", "150000"))),
                Map.entry(Path.of("/sys/fs/cgroup/pids/stevedore-c1"), List.of(new Cgroups.Write("pids.max", "50"))));
        assertThat(plan.enable()).isEmpty();
        assertThat(plan.devices()).isEqualTo(Cgroups.DevicePolicy.PROGRAM);
        assertThat(plan.program()).isEqualTo(v2);
    }

    @Test
    void aContainerThatAsksForNoPidsLimitGetsTheDefaultAndMinusOneMeansNone() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, file -> "");

        assertThat(cgroups.plan(ResourceLimits.NONE, "c1").groups())
                .containsEntry(Path.of("/sys/fs/cgroup/pids/stevedore-c1"), List.of(new Cgroups.Write("pids.max", "4096")));
        assertThat(cgroups.plan(new ResourceLimits(0, 0, -1), "c1").groups().keySet())
                .containsExactly(Path.of("/sys/fs/cgroup/unified/stevedore/c1"));
    }

    @Test
    void v1OnlyHostsGetDockersDeviceRules() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS.subList(0, 5), MIXED_GROUPS, file -> "");

        Cgroups.Plan plan = cgroups.plan(ResourceLimits.NONE, "c1");

        assertThat(plan.devices()).isEqualTo(Cgroups.DevicePolicy.RULES);
        assertThat(plan.program()).isNull();
        assertThat(plan.groups().get(Path.of("/sys/fs/cgroup/devices/stevedore-c1"))).first()
                .isEqualTo(new Cgroups.Write("devices.deny", "a"));
        assertThat(plan.groups().get(Path.of("/sys/fs/cgroup/devices/stevedore-c1"))).extracting(Cgroups.Write::value)
                .contains("c 1:3 rwm", "c 136:* rwm").doesNotContain("b *:* m", "c *:* m");
    }

    @Test
    void v1RulesAllowADeviceAskedForWithItsPermissionsOnly() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS.subList(0, 5), MIXED_GROUPS, file -> "");
        DeviceNode fuse = new DeviceNode(Path.of("/dev/fuse"), "/dev/fuse", 'c', 10, 229, "rw");

        Cgroups.Plan plan = cgroups.plan(ResourceLimits.NONE, "c1", List.of(fuse));

        assertThat(plan.groups().get(Path.of("/sys/fs/cgroup/devices/stevedore-c1"))).extracting(Cgroups.Write::value)
                .endsWith("c 10:229 rw");
    }

    @Test
    void v1RulesOfAPrivilegedContainerAllowEveryDeviceAndDenyNone() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS.subList(0, 5), MIXED_GROUPS, file -> "");
        DeviceNode fuse = new DeviceNode(Path.of("/dev/fuse"), "/dev/fuse", 'c', 10, 229, "rwm");

        Cgroups.Plan privileged = cgroups.plan(ResourceLimits.NONE, "c1", List.of(fuse), true);

        assertThat(privileged.groups().get(Path.of("/sys/fs/cgroup/devices/stevedore-c1")))
                .extracting(Cgroups.Write::file, Cgroups.Write::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("devices.allow", "a"));
    }

    @Test
    void aHostWithoutDeviceCgroupsHasNoDevicePolicy() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS.subList(0, 4), MIXED_GROUPS, file -> "");

        assertThat(cgroups.devicePolicy()).isEqualTo(Cgroups.DevicePolicy.NONE);
        assertThat(Cgroups.parse(List.of(), List.of(), file -> "").plan(ResourceLimits.NONE, "c1").groups()).isEmpty();
    }

    @Test
    void pureV2UsesTheUnifiedFiles() {
        Cgroups cgroups = Cgroups.parse(
                List.of("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"),
                List.of("0::/user.slice/session-1.scope"),
                file -> "cpuset cpu io memory hugetlb pids rdma misc");

        Cgroups.Plan plan = cgroups.plan(new ResourceLimits(64L << 20, 500_000_000L, 10), "c1");

        assertThat(plan.groups()).containsExactly(Map.entry(Path.of("/sys/fs/cgroup/stevedore/c1"), List.of(
                new Cgroups.Write("memory.max", "67108864"), new Cgroups.Write("cpu.max", "50000 100000"),
                new Cgroups.Write("pids.max", "10"))));
        assertThat(plan.enable()).containsExactly("+memory", "+cpu", "+pids");
    }

    @Test
    void aMissingControllerIsAClearError() {
        Cgroups cgroups = Cgroups.parse(List.of(), List.of(), file -> "");

        assertThatThrownBy(() -> cgroups.plan(new ResourceLimits(0, 0, 10), "c1"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("asks for a pids limit, but this host offers no pids cgroup controller");
    }
}
