package dev.stevedore.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the latency harnesses share: timing runs, reporting min/median/max, a {@code crun} bundle of a
 * root file system, and a private mount namespace without the cgroup2 mount (crun 1.8 refuses this
 * machine's mixed cgroup v1/v2 layout; the namespace hides it from crun only, for the harness's lifetime).
 */
public final class Latency {
    private static final Path CGROUP2 = Path.of("/sys/fs/cgroup/unified");
    private static final String INSIDE = "STEVEDORE_BENCH_NS";

    private Latency() {
    }

    /** One measured run; {@code index} is negative for warm-up runs. */
    @FunctionalInterface
    public interface Run {
        void run(int index) throws Exception;
    }

    /** The milliseconds one run takes. */
    public static double time(Run run, int index) throws Exception {
        long start = System.nanoTime();
        run.run(index);
        return (System.nanoTime() - start) / 1e6;
    }

    /** Runs a tenth (at least three) for warm-up, then {@code runs} timed ones; their milliseconds, sorted. */
    public static List<Double> measure(int runs, Run run) throws Exception {
        for (int i = 0; i < Math.max(3, runs / 10); i++) {
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

    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public static double min(List<Double> values) {
        return Collections.min(values);
    }

    public static void report(String what, List<Double> values) {
        System.out.printf("%-28s n=%3d  min %7.2f ms  median %7.2f ms  max %7.2f ms%n", what, values.size(),
                min(values), median(values), Collections.max(values));
    }

    /** Spawns {@code command}, discarding its output; fails when it does not exit 0. */
    public static void spawn(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " exited with " + process.exitValue());
        }
    }

    /** A crun bundle in {@code dir} that runs {@code true} on {@code rootfs} (read-only, no terminal). */
    public static Path crunBundle(Path dir, Path rootfs) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process spec = new ProcessBuilder("crun", "spec").directory(dir.toFile()).inheritIO().start();
        if (spec.waitFor() != 0) {
            throw new IllegalStateException("crun spec failed: is Debian's crun installed?");
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.putArray("args").add("true");
        ObjectNode root = (ObjectNode) config.get("root");
        root.put("path", rootfs.toString());
        root.put("readonly", true);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        return dir;
    }

    /**
     * Runs {@code main} again inside {@code unshare -m} with the cgroup2 mount hidden, unless this already
     * is that run or no cgroup2 mount is there.
     *
     * @return the re-executed run's exit code; -1 when the caller is to measure in this JVM
     */
    public static int reexecWithoutCgroup2(Class<?> main, String[] args) throws Exception {
        boolean mounted = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.split(" ")[4].equals(CGROUP2.toString()));
        if ("inside".equals(System.getenv(INSIDE)) || !mounted) {
            return -1;
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "umount " + CGROUP2 + " && exec \"$@\"", "sh", java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(INSIDE, "inside");
        return builder.start().waitFor();
    }
}
