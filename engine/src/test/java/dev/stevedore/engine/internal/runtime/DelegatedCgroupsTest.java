package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.engine.ContainerEngineException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DelegatedCgroupsTest {
    private static final List<String> MIXED_MOUNTS = List.of(
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "40 31 0:37 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
    private static final String USER_V1 = "/delegated/user@1001.service/jvms";
    private static final List<String> MIXED_GROUPS = List.of("8:pids:" + USER_V1, "5:devices:/", "4:memory:" + USER_V1,
            "1:cpu:/", "0::/delegated/user@1001.service/jvms");

    /** What the user may write: the delegated directories, their files, everything below them. */
    private static boolean delegated(Path path, Set<String> hierarchies) {
        for (String hierarchy : hierarchies) {
            if (path.startsWith("/sys/fs/cgroup/" + hierarchy + "/delegated/user@1001.service")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void v1LimitsGoUnderTheNearestWritableGroupAndTheDefaultPidsLimitApplies() {
        Cgroups cgroups = DelegatedCgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, "alice",
                p -> delegated(p, Set.of("pids", "memory", "unified")), file -> "hugetlb");

        Cgroups.Plan plan = cgroups.plan(new ResourceLimits(64L << 20, 0, 0), "c1");

        assertThat(plan.groups()).containsExactly(
                Map.entry(Path.of("/sys/fs/cgroup/unified/delegated/user@1001.service/stevedore/c1"), List.of()),
                Map.entry(Path.of("/sys/fs/cgroup/memory" + USER_V1 + "/stevedore-c1"),
                        List.of(new Cgroups.Write("memory.limit_in_bytes", "67108864"))),
                Map.entry(Path.of("/sys/fs/cgroup/pids" + USER_V1 + "/stevedore-c1"),
                        List.of(new Cgroups.Write("pids.max", "4096"))));
        assertThat(plan.enable()).isEmpty();
        assertThat(plan.devices()).as("no device program or rules for an ordinary user").isEqualTo(Cgroups.DevicePolicy.NONE);
        assertThat(plan.program()).isNull();
    }

    @Test
    void aV1GroupAboveTheJvmsOwnIsFoundWalkingUp() {
        Cgroups cgroups = DelegatedCgroups.parse(MIXED_MOUNTS, List.of("8:pids:/delegated/user@1001.service/jvms/session"),
                "alice", p -> delegated(p, Set.of("pids")) && !p.startsWith("/sys/fs/cgroup/pids" + USER_V1), file -> "");

        assertThat(cgroups.plan(new ResourceLimits(0, 0, 50), "c1").groups().keySet())
                .containsExactly(Path.of("/sys/fs/cgroup/pids/delegated/user@1001.service/stevedore-c1"));
    }

    @Test
    void v2ControllersComeFromTheGroupAboveTheJvmsLeafWhenItOffersThem() {
        Cgroups cgroups = DelegatedCgroups.parse(
                List.of("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"),
                List.of("0::/user.slice/user-1001.slice/user@1001.service/app.slice/jvm.scope"), "alice",
                p -> p.startsWith("/sys/fs/cgroup/user.slice/user-1001.slice/user@1001.service"),
                file -> file.toString().endsWith("app.slice/cgroup.controllers") ? "cpu memory pids" : "");

        Cgroups.Plan plan = cgroups.plan(new ResourceLimits(0, 500_000_000L, 0), "c1");

        Path base = Path.of("/sys/fs/cgroup/user.slice/user-1001.slice/user@1001.service/app.slice/stevedore/c1");
        assertThat(plan.groups()).containsExactly(Map.entry(base, List.of(new Cgroups.Write("cpu.max", "50000 100000"),
                new Cgroups.Write("pids.max", "4096"))));
        assertThat(plan.enable()).containsExactly("+cpu", "+pids");
    }

    @Test
    void withoutDelegationALimitIsRefusedNamingTheControllerAndTheFixAndNoneStillPlans() {
        Cgroups cgroups = DelegatedCgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, "alice", p -> false, file -> "");

        assertThat(cgroups.plan(ResourceLimits.NONE, "c1").groups()).isEmpty();
        assertThatThrownBy(() -> cgroups.check(new ResourceLimits(0, 0, 10), "c1"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("asks for a pids limit")
                .hasMessageContaining("no pids cgroup controller delegated")
                .hasMessageContaining("Delegate=pids memory cpu")
                .hasMessageContaining("chowns it");
    }

    @Test
    void aControllerDelegatedOnlyInPartIsRefusedAlone() {
        Cgroups cgroups = DelegatedCgroups.parse(MIXED_MOUNTS, MIXED_GROUPS, "alice",
                p -> delegated(p, Set.of("pids")), file -> "");

        cgroups.check(new ResourceLimits(0, 0, 10), "c1");
        assertThatThrownBy(() -> cgroups.check(new ResourceLimits(64L << 20, 0, 0), "c1"))
                .hasMessageContaining("no memory cgroup controller delegated");
    }
}
