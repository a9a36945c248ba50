package dev.stevedore.engine.internal.runtime.bench;

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
import java.util.Collections;
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
    private static final Path CGROUP2 = Path.of("/sys/fs/cgroup/unified");

    private RuntimeLatency() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        if (!"inside".equals(System.getenv("STEVEDORE_BENCH_NS")) && cgroup2Mounted()) {
            System.exit(reexecInPrivateMountNamespace(args));
        }
        Path rootfs = BusyboxRootfs.get();
        Path state = Files.createTempDirectory("stevedore-bench-");
        try {
            Launcher launcher = Launcher.extractedTo(state);
            report("ProcessBuilder /bin/true", measure(runs, i -> spawn(List.of("/bin/true"))));
            List<Double> stevedore = measure(runs, i -> stevedore(launcher, state, rootfs, i));
            List<Double> crun = measure(runs, i -> spawn(List.of("crun", "run", "--bundle",
                    crunBundle(state, rootfs).toString(), "bench-" + ProcessHandle.current().pid() + "-" + i)));
            report("stevedore launcher", stevedore);
            report("  spawn to barrier", PHASES[0]);
            report("  release to exec", PHASES[1]);
            report("  exec to exit seen", PHASES[2]);
            report("  close + delete state", PHASES[3]);
            report("crun run", crun);
            System.out.printf("ratio stevedore/crun: median %.2f, min %.2f%n",
                    median(stevedore) / median(crun), stevedore.get(0) / crun.get(0));
        } finally {
            TestDirectories.deleteQuietly(state);
        }
    }

    @FunctionalInterface
    private interface Run {
        void run(int index) throws Exception;
    }

    private static List<Double> measure(int runs, Run run) throws Exception {
        for (int i = 0; i < Math.max(5, runs / 10); i++) {
            run.run(-1 - i);
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run.run(i);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        return millis;
    }

    @SuppressWarnings("unchecked")
    private static final List<Double>[] PHASES = new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()};

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
                PHASES[i].add((t[i + 1] - t[i]) / 1e6);
            }
        }
    }

    private static void spawn(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " exited with " + process.exitValue());
        }
    }

    private static Path bundle;

    private static Path crunBundle(Path state, Path rootfs) throws IOException, InterruptedException {
        if (bundle == null) {
            Path dir = Files.createDirectories(state.resolve("crun-bundle"));
            Process spec = new ProcessBuilder("crun", "spec").directory(dir.toFile()).inheritIO().start();
            if (spec.waitFor() != 0) {
                throw new IllegalStateException("crun spec failed: is Debian's crun installed?");
            }
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("config.json").toFile());
            var process = (com.fasterxml.jackson.databind.node.ObjectNode) config.get("process");
            process.put("terminal", false);
            process.putArray("args").add("true");
            var root = (com.fasterxml.jackson.databind.node.ObjectNode) config.get("root");
            root.put("path", rootfs.toString());
            root.put("readonly", true);
            json.writeValue(dir.resolve("config.json").toFile(), config);
            bundle = dir;
        }
        return bundle;
    }

    private static boolean cgroup2Mounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.split(" ")[4].equals(CGROUP2.toString()));
    }

    private static int reexecInPrivateMountNamespace(String[] args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "umount " + CGROUP2 + " && exec \"$@\"", "sh", java, "-cp", System.getProperty("java.class.path"),
                RuntimeLatency.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("STEVEDORE_BENCH_NS", "inside");
        return builder.start().waitFor();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void report(String what, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        System.out.printf("%-26s n=%d  min %6.2f ms  median %6.2f ms  max %6.2f ms%n", what, sorted.size(),
                sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
    }
}
