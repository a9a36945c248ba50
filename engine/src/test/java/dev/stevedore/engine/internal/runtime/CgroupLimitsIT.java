package dev.stevedore.engine.internal.runtime;

import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stderr;
import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Memory and pids limits through whatever cgroup controllers this host offers (detected, not assumed). */
class CgroupLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RuntimeFixture fixture;

    @BeforeAll
    static void createFixture() {
        fixture = new RuntimeFixture();
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    @Test
    void containerRunsInItsOwnGroupWithTheLimitsWrittenAndTheGroupGoesAwayAfter() throws Exception {
        RuntimeSpec spec = fixture.spec("sleep", "1000").limits(new ResourceLimits(64L << 20, 0, 100)).build();
        ContainerProcess container = fixture.run(spec);
        List<Path> groups = StateFiles.readCgroups(spec.stateDirectory());

        assertThat(groups).isNotEmpty().allSatisfy(group -> assertThat(group.resolve("cgroup.procs")).content()
                .contains(Long.toString(container.pid())));
        String limits = String.join("\n", groups.stream().flatMap(g -> List.of("memory.limit_in_bytes", "memory.max", "pids.max")
                .stream().map(g::resolve)).filter(Files::exists).map(RuntimeFixture::read).toList());
        assertThat(limits).contains("67108864", "100");
        assertThat(Files.readString(Path.of("/proc", Long.toString(container.pid()), "cgroup"))).contains("stevedore");

        container.close();

        assertThat(groups).allSatisfy(group -> assertThat(group).doesNotExist());
    }

    @Test
    void exceedingTheMemoryLimitGetsTheContainerOomKilled() {
        RuntimeSpec spec = fixture.spec("sh", "-c", "echo filling; x=$(head -c 268435456 /dev/zero | tr '\\0' a); echo survived")
                .limits(new ResourceLimits(32L << 20, 0, 0)).build();
        ContainerProcess container = fixture.run(spec);

        ExitStatus status = container.waitFor(WAIT).orElseThrow();

        assertThat(status.signal()).as("stdout %s stderr %s", stdout(container), stderr(container)).isEqualTo(9);
        assertThat(stdout(container)).isEqualTo("filling\n");
    }

    @Test
    void thePidsLimitStopsAForkBomb() {
        RuntimeSpec spec = fixture.spec("sh", "-c", "for i in $(seq 30); do sleep 100 & done; echo spawned")
                .limits(new ResourceLimits(0, 0, 10)).build();
        ContainerProcess container = fixture.run(spec);

        ExitStatus status = container.waitFor(WAIT).orElseThrow();

        assertThat(stderr(container)).contains("can't fork: Resource temporarily unavailable");
        assertThat(stdout(container)).doesNotContain("spawned");
        assertThat(status.code()).isEqualTo(2);
    }
}
