package dev.stevedore.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.testbed.Testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures (does not assert) start-to-exit latency of {@code true} in the test bed's busybox image:
 * <ul>
 *   <li>Stevedore in-process through the public API: {@code runContainer} + {@code waitContainer} +
 *       {@code removeContainer} (create with its image lookup, start, exit, removal of everything);</li>
 *   <li>{@code docker run --rm --network none} against the test bed's dockerd (the same image, pulled from
 *       the test bed's registry), as a user types it;</li>
 *   <li>{@code crun run} of the same busybox root file system (Debian's crun), spawned the same way.</li>
 * </ul>
 *
 * <p>Run as root with the test bed up and {@code testbed/dockerd up}: {@code java -cp
 * engine/target/classes:engine/target/test-classes:<deps> dev.stevedore.engine.bench.ContainerLatency [runs]
 * [docker runs]}. crun 1.8 refuses this machine's mixed cgroup v1/v2 layout, so the harness re-executes
 * itself inside {@code unshare -m} with the cgroup2 mount hidden (in that private namespace only), as
 * the runtime's latency harness does; none of the three uses cgroups for a container without limits.
 */
public final class ContainerLatency {
    private static final Path CGROUP2 = Path.of("/sys/fs/cgroup/unified");

    private ContainerLatency() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int dockerRuns = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        if (!"inside".equals(System.getenv("STEVEDORE_BENCH_NS")) && cgroup2Mounted()) {
            System.exit(reexecInPrivateMountNamespace(args));
        }
        Testbed testbed = Testbed.get();
        String image = testbed.plainRegistry() + "/library/busybox:latest";
        String dockerHost = testbed.dockerHost().orElseThrow(() -> new IllegalStateException(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        Path state = Files.createTempDirectory("stevedore-bench-");
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            engine.pull(image);
            spawn(List.of("docker", "-H", dockerHost, "pull", "-q", image));
            Path bundle = crunBundle(state, testbed.busyboxRootfs());

            List<Double> stevedore = measure(runs, i -> stevedore(engine, image));
            List<Double> crun = measure(runs, i -> spawn(List.of("crun", "run", "--bundle", bundle.toString(),
                    "bench-" + ProcessHandle.current().pid() + "-" + i)));
            List<Double> docker = measure(dockerRuns, i -> spawn(List.of("docker", "-H", dockerHost, "run", "--rm",
                    "--network", "none", image, "true")));

            report("stevedore run+wait+remove", stevedore);
            report("  create", PHASES[0]);
            report("  start", PHASES[1]);
            report("  wait", PHASES[2]);
            report("  remove", PHASES[3]);
            report("crun run", crun);
            report("docker run --rm", docker);
            System.out.printf("median ratios: stevedore/docker %.3f (1/%.0f), stevedore/crun %.2f%n",
                    median(stevedore) / median(docker), median(docker) / median(stevedore), median(stevedore) / median(crun));
            System.out.printf("min ratios:    stevedore/docker %.3f, stevedore/crun %.2f%n",
                    stevedore.get(0) / docker.get(0), stevedore.get(0) / crun.get(0));
        } finally {
            delete(state);
        }
    }

    @FunctionalInterface
    private interface Run {
        void run(int index) throws Exception;
    }

    private static List<Double> measure(int runs, Run run) throws Exception {
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

    @SuppressWarnings("unchecked")
    private static final List<Double>[] PHASES = new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()};
    private static boolean recording;

    private static void stevedore(ContainerEngine engine, String image) {
        long t0 = System.nanoTime();
        ContainerInfo info = engine.createContainer(ContainerSpec.builder(image).cmd("true").build());
        long t1 = System.nanoTime();
        engine.startContainer(info.id());
        long t2 = System.nanoTime();
        int code = engine.waitContainer(info.id(), Duration.ofSeconds(10)).exitCode();
        long t3 = System.nanoTime();
        engine.removeContainer(info.id(), false);
        long t4 = System.nanoTime();
        if (code != 0) {
            throw new IllegalStateException("true exited with " + code);
        }
        if (recording) {
            long[] t = {t0, t1, t2, t3, t4};
            for (int i = 0; i < 4; i++) {
                PHASES[i].add((t[i + 1] - t[i]) / 1e6);
            }
        }
        recording = true;
    }

    private static void spawn(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " exited with " + process.exitValue());
        }
    }

    private static Path crunBundle(Path state, Path rootfs) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(state.resolve("crun-bundle"));
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

    private static boolean cgroup2Mounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.split(" ")[4].equals(CGROUP2.toString()));
    }

    private static int reexecInPrivateMountNamespace(String[] args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "umount " + CGROUP2 + " && exec \"$@\"", "sh", java, "-cp", System.getProperty("java.class.path"),
                ContainerLatency.class.getName()));
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
        System.out.printf("%-28s n=%3d  min %7.2f ms  median %7.2f ms  max %7.2f ms%n", what, sorted.size(),
                sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
