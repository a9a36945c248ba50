package dev.stevedore.engine.internal.runtime.bench;

import dev.stevedore.engine.bench.Latency;
import dev.stevedore.engine.internal.runtime.BusyboxRootfs;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;
import dev.stevedore.engine.internal.runtime.TestDirectories;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures (does not assert) start-to-exit latency of {@code true} on the busybox root file system:
 * Stevedore's launcher in-process, {@code crun run} of the same root file system spawned the same way,
 * and a bare {@code ProcessBuilder("/bin/true")} as the JVM's floor.
 *
 * <p>Run as root: {@code java -cp engine/target/classes:engine/target/test-classes:<deps>
 * dev.stevedore.engine.internal.runtime.bench.RuntimeLatency [runs]}, with the test bed up (its busybox
 * root file system is the one measured). crun 1.8 refuses this machine's
 * mixed cgroup v1/v2 layout, so the harness re-executes itself inside {@code unshare -m} with the
 * cgroup2 mount hidden (in that private namespace only).
 */
public final class RuntimeLatency {
    private RuntimeLatency() {
    }

    public static void main(String[] args) throws Exception {
        int reexecuted = Latency.reexecWithoutCgroup2(RuntimeLatency.class, args);
        if (reexecuted >= 0) {
            System.exit(reexecuted);
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path rootfs = BusyboxRootfs.get();
        Path state = Files.createTempDirectory("stevedore-bench-");
        try {
            Launcher launcher = Launcher.extractedTo(state);
            Latency.report("ProcessBuilder /bin/true", Latency.measure(runs, i -> Latency.spawn(List.of("/bin/true"))));
            List<Double> stevedore = Latency.measure(runs, i -> stevedore(launcher, state, rootfs, i));
            Path bundle = Latency.crunBundle(state.resolve("crun-bundle"), rootfs);
            List<Double> crun = Latency.measure(runs, i -> Latency.spawn(List.of("crun", "run", "--bundle", bundle.toString(),
                    "bench-" + ProcessHandle.current().pid() + "-" + i)));
            Latency.report("stevedore launcher", stevedore);
            Latency.report("  spawn to barrier", PHASES.get(0));
            Latency.report("  release to exec", PHASES.get(1));
            Latency.report("  exec to exit seen", PHASES.get(2));
            Latency.report("  close + delete state", PHASES.get(3));
            Latency.report("crun run", crun);
            System.out.printf("ratio stevedore/crun: median %.2f, min %.2f%n",
                    Latency.median(stevedore) / Latency.median(crun), Latency.min(stevedore) / Latency.min(crun));
        } finally {
            TestDirectories.deleteQuietly(state);
        }
    }

    private static final List<List<Double>> PHASES = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());

    private static void stevedore(Launcher launcher, Path state, Path rootfs, int index) throws IOException {
        Path dir = state.resolve("containers").resolve("c" + (index + 1000));
        RuntimeSpec spec = RuntimeSpec.builder(dir, List.of(rootfs), List.of("true")).build();
        long t0 = System.nanoTime();
        ContainerProcess container = launcher.start(spec);
        long t1 = System.nanoTime();
        container.release();
        container.awaitStarted();
        long t2 = System.nanoTime();
        ExitStatus status = container.waitFor(Duration.ofSeconds(10)).orElseThrow();
        long t3 = System.nanoTime();
        container.close();
        if (status.code() != 0) {
            throw new IllegalStateException("true " + status);
        }
        OrphanReaper.delete(dir);
        long t4 = System.nanoTime();
        if (index >= 0) {
            long[] t = {t0, t1, t2, t3, t4};
            for (int i = 0; i < 4; i++) {
                PHASES.get(i).add((t[i + 1] - t[i]) / 1e6);
            }
        }
    }
}
