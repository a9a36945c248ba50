package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many start/exit cycles leave no file descriptors, mounts, processes, threads or directories behind. */
class ResourceLeakIT {
    private static final int CYCLES = 200;

    private RuntimeFixture fixture;

    @BeforeEach
    void createFixture() {
        fixture = new RuntimeFixture();
    }

    @AfterEach
    void closeFixture() {
        fixture.close();
    }

    @Test
    void twoHundredStartExitCyclesLeaveNothingBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            cycle();
        }
        long fds = count(Path.of("/proc/self/fd"));
        int threads = Thread.activeCount();
        long started = System.nanoTime();

        for (int i = 0; i < CYCLES; i++) {
            cycle();
            assertThat(ProcessHandle.current().descendants().count()).as("child processes after cycle %d", i).isZero();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // counted until they settle (a thread or a descriptor of the last cycle may still be ending); a leak would
        // grow with the cycles and never come down. How long the cycles took is printed, not asserted.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(count(Path.of("/proc/self/fd"))).as("open file descriptors").isLessThanOrEqualTo(fds);
            assertThat(Thread.activeCount()).as("threads").isLessThanOrEqualTo(threads);
        });
        assertThat(fixture.ownMounts()).as("host mounts of the containers").isEmpty();
        assertThat(count(fixture.containers)).as("container directories").isZero();
        System.out.printf("%d start/exit cycles of true in %d ms (%.1f ms each)%n", CYCLES, took.toMillis(),
                took.toNanos() / 1e6 / CYCLES);
    }

    private void cycle() throws IOException {
        RuntimeSpec spec = fixture.spec("true").build();
        try (ContainerProcess container = fixture.launcher.run(spec)) {
            assertThat(container.waitFor(Duration.ofSeconds(60))).hasValueSatisfying(s -> assertThat(s.code()).isZero());
        }
        OrphanReaper.delete(spec.stateDirectory());
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }
}
