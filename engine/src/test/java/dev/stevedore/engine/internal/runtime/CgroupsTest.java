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
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
    private static final List<String> MIXED_GROUPS = List.of(
            "8:pids:/", "4:memory:/ci/job-17", "1:cpu:/", "0::/");

    @Test
    void mixedLayoutTakesV1ControllersWhenTheUnifiedHierarchyLacksThem() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, file -> "hugetlb");

        assertThat(cgroups.controller("memory")).hasValue(
                new Cgroups.Controller("memory", Path.of("/sys/fs/cgroup/memory"), "/ci/job-17", false));
        assertThat(cgroups.controller("pids")).hasValueSatisfying(c -> assertThat(c.unified()).isFalse());
    }

    @Test
    void v1LimitsNestUnderThisProcesssOwnGroup() {
        Cgroups cgroups = Cgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, file -> "");

        Map<Cgroups.Controller, Map<String, String>> plan = cgroups.plan(new ResourceLimits(64L << 20, 1_500_000_000L, 50), "c1");

        assertThat(plan.values()).containsExactly(
                Map.of("memory.limit_in_bytes", "67108864"),
                Map.of("cpu.cfs_period_us", "100000", "cpu.cfs_quota_us", "150000"),
                Map.of("pids.max", "50"));
    }

    @Test
    void pureV2UsesTheUnifiedFiles() {
        Cgroups cgroups = Cgroups.parse(
                List.of("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"),
                List.of("0::/user.slice/session-1.scope"),
                file -> "cpuset cpu io memory hugetlb pids rdma misc");

        Map<Cgroups.Controller, Map<String, String>> plan = cgroups.plan(new ResourceLimits(64L << 20, 500_000_000L, 10), "c1");

        assertThat(plan.keySet()).allMatch(Cgroups.Controller::unified);
        assertThat(plan.values()).containsExactly(Map.of("memory.max", "67108864"), Map.of("cpu.max", "50000 100000"),
                Map.of("pids.max", "10"));
    }

    @Test
    void aMissingControllerIsAClearError() {
        Cgroups cgroups = Cgroups.parse(List.of(), List.of(), file -> "");

        assertThatThrownBy(() -> cgroups.plan(new ResourceLimits(0, 0, 10), "c1"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("asks for a pids limit, but this host offers no pids cgroup controller");
    }
}
