package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One batch of the A/B comparison of {@code bench/containers-ab}: start → exit → removal of {@code true} in the test
 * bed's busybox image, network mode {@code none}, through the public API only (so that the same source compiles
 * against an older engine, the "before"). Prints one line per measured run, {@code sample <ms>}, after
 * {@code warm-up} unmeasured runs. Unlike {@link ContainerLatency} it runs with the host's cgroup layout as it is
 * (no crun here to hide cgroup2 from), so every container's cgroups and device program are part of what it
 * measures. Arguments: runs, warm-up runs, image.
 */
public final class StartLatency {
    private StartLatency() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int warmUp = Integer.parseInt(args[1]);
        String image = args[2];
        Path state = Files.createTempDirectory("stevedore-ab-");
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            engine.pull(image);
            for (int i = -warmUp; i < runs; i++) {
                long start = System.nanoTime();
                ContainerInfo info = engine.createContainer(ContainerSpec.builder(image).cmd("true").networkMode("none").build());
                engine.startContainer(info.id());
                int code = engine.waitContainer(info.id(), Duration.ofSeconds(10)).exitCode();
                engine.removeContainer(info.id(), false);
                double ms = (System.nanoTime() - start) / 1e6;
                if (code != 0) {
                    throw new IllegalStateException("true exited with " + code);
                }
                if (i >= 0) {
                    System.out.printf("sample %.3f%n", ms);
                }
            }
        } finally {
            Latency.spawn(java.util.List.of("rm", "-rf", state.toString()));
        }
    }
}
