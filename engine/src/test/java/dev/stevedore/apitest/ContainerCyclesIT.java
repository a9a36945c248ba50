package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two hundred create, start, wait, remove cycles leave nothing behind that grows. */
class ContainerCyclesIT {
    private static final int CYCLES = 200;

    @Test
    void twoHundredCyclesLeaveNoFileDescriptorMountProcessOrStateDirectoryBehind() throws Exception {
        long containers;
        long names;
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            for (int i = 0; i < 10; i++) {
                cycle(engine);
            }
        }
        // removed containers are deleted in the background until the engine closes: count once it has
        containers = countContainerDirectories();
        names = count(ContainerTestbed.state().resolve("container-names"));
        try (ContainerEngine engine = ContainerTestbed.engine()) {
            cycle(engine);
            // the engine keeps one launcher spawned ahead, with its container's first process cloned ahead: a
            // constant, not a leak
            long children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
            long fds = count(Path.of("/proc/self/fd"));
            int threads = Thread.activeCount();

            long start = System.nanoTime();
            for (int i = 0; i < CYCLES; i++) {
                cycle(engine);
                assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                        .as("child processes after cycle %d", i).isLessThanOrEqualTo(Math.max(children, 2));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // the last removals' trees are still being deleted in the background, with a few directories open; the
            // launcher spawned ahead (refilled in the background: there or not when the baseline was taken) holds
            // two pipes. A leak would grow with the cycles.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(count(Path.of("/proc/self/fd"))).as("open file descriptors").isLessThanOrEqualTo(fds + 2);
                assertThat(Thread.activeCount()).as("threads").isLessThanOrEqualTo(threads + 2);
            });
            // other processes on the machine mount and unmount too: only mounts of this state directory count
            for (Path place : ContainerTestbed.containerDirectories()) {
                String mounted = place.toAbsolutePath().toString();
                assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("mounts in " + mounted)
                        .noneMatch(line -> line.contains(mounted));
            }
            // how long the cycles took is printed, not asserted: at load 15 it is noise
            System.out.printf("%d create/start/wait/remove cycles of true in %d ms (%.1f ms each)%n", CYCLES, took.toMillis(),
                    took.toNanos() / 1e6 / CYCLES);
        }
        assertThat(countContainerDirectories()).as("container directories").isEqualTo(containers);
        assertThat(count(ContainerTestbed.state().resolve("container-names"))).as("name files").isEqualTo(names);
    }

    private static void cycle(ContainerEngine engine) {
        ContainerInfo info = engine.createContainer(ContainerSpec.builder(busybox()).cmd("true").build());
        engine.startContainer(info.id());
        assertThat(engine.waitContainer(info.id(), ContainerTestbed.WAIT).exitCode()).isZero();
        engine.removeContainer(info.id(), false);
    }

    private static long countContainerDirectories() throws IOException {
        long count = 0;
        for (Path place : ContainerTestbed.containerDirectories()) {
            count += Files.isDirectory(place) ? count(place) : 0;
        }
        return count;
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }
}
