package dev.stevedore.engine.bench;

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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures (does not assert) start-to-exit latency of {@code true} in the test bed's busybox image:
 * <ul>
 *   <li>Stevedore in-process through the public API: {@code runContainer} + {@code waitContainer} +
 *       {@code removeContainer} (create with its image lookup, start, exit, removal of everything), on the
 *       default bridge network as a container gets it, and with network mode {@code none}, and that once more
 *       with {@code seccomp=unconfined} (the filter's cost is the difference of the two, measured in one run);</li>
 *   <li>{@code docker run --rm} against the test bed's dockerd (the same image, pulled from the test bed's
 *       registry), as a user types it (the default bridge), and with {@code --network none};</li>
 *   <li>{@code crun run} of the same busybox root file system (Debian's crun), spawned the same way;</li>
 *   <li>the rootless embedded engine, the same calls on the default network, in a JVM of the test bed's ordinary
 *       user ({@link RootlessLatencyWorker}, timed there, driven round by round from here).</li>
 * </ul>
 *
 * <p>Each network setting is compared with its like: bridge with bridge, none with none.
 * The candidates run interleaved, round by round, so that a shared machine's changing load hits them alike, after
 * {@value #WARM_UP} warm-up rounds of Stevedore and crun (the JIT has compiled the engine's paths by then, as in a
 * test suite's JVM after its first containers) and five interleaved ones of all three. Run as
 * root with the test bed up and {@code testbed/dockerd up}: {@code java -cp
 * engine/target/classes:engine/target/test-classes:<deps> dev.stevedore.engine.bench.ContainerLatency [runs]
 * [docker runs]}. crun 1.8 refuses this machine's mixed cgroup v1/v2 layout, so the harness re-executes
 * itself inside {@code unshare -m} with the cgroup2 mount hidden (in that private namespace only), as
 * the runtime's latency harness does. Stevedore then sees only the v1 hierarchies: its containers get v1 groups
 * and v1 device rules instead of a cgroup v2 device program; {@code bench/containers-ab} (StartLatency) measures with
 * the host's layout as it is.
 */
public final class ContainerLatency {
    private ContainerLatency() {
    }

    public static void main(String[] args) throws Exception {
        int reexecuted = Latency.reexecWithoutCgroup2(ContainerLatency.class, args);
        if (reexecuted >= 0) {
            System.exit(reexecuted);
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int dockerRuns = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Testbed testbed = Testbed.get();
        String image = testbed.plainRegistry() + "/library/busybox:latest";
        String dockerHost = testbed.dockerHost().orElseThrow(() -> new IllegalStateException(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        Path state = Files.createTempDirectory("stevedore-bench-");
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            engine.pull(image);
            Latency.spawn(List.of("docker", "-H", dockerHost, "pull", "-q", image));
            Path bundle = Latency.crunBundle(state.resolve("crun-bundle"), testbed.busyboxRootfs());
            RootlessWorker rootlessWorker = RootlessWorker.start(image);

            List<Double> stevedore = new ArrayList<>();
            List<Double> stevedoreNone = new ArrayList<>();
            List<Double> stevedoreUnconfined = new ArrayList<>();
            List<Double> crun = new ArrayList<>();
            List<Double> docker = new ArrayList<>();
            List<Double> dockerNone = new ArrayList<>();
            List<Double> rootless = new ArrayList<>();
            Latency.Run stevedoreRun = i -> stevedore(engine, image, null, null, i >= 0);
            Latency.Run stevedoreNoneRun = i -> stevedore(engine, image, "none", null, false);
            // the same without the seccomp filter: the filter's share of a start, measured beside it
            Latency.Run stevedoreUnconfinedRun = i -> stevedore(engine, image, "none", "seccomp=unconfined", false);
            Latency.Run crunRun = i -> Latency.spawn(List.of("crun", "run", "--bundle", bundle.toString(),
                    "bench-" + ProcessHandle.current().pid() + "-" + i));
            Latency.Run dockerRun = i -> Latency.spawn(List.of("docker", "-H", dockerHost, "run", "--rm", image, "true"));
            Latency.Run dockerNoneRun = i -> Latency.spawn(List.of("docker", "-H", dockerHost, "run", "--rm", "--network", "none",
                    image, "true"));
            // warm-up: a JVM runs its first containers interpreted (the JIT compiles after thousands of calls, a
            // test suite's JVM has made them by its second container class); Stevedore and crun get the same rounds,
            // docker (a separate daemon, a quarter of a second a run) the five interleaved ones below
            for (int i = 0; i < WARM_UP; i++) {
                stevedore(engine, image, null, null, false);
                stevedore(engine, image, "none", null, false);
                stevedore(engine, image, "none", "seccomp=unconfined", false);
                crunRun.run(-100 - i);
                rootlessWorker.run();
            }
            // interleaved, round by round: the load of a shared machine changes by the second and must hit all alike
            for (int i = -5; i < runs; i++) {
                stevedore.add(Latency.time(stevedoreRun, i));
                // alternate which of the pair goes first, so that neither always follows the same neighbour
                if ((i & 1) == 0) {
                    stevedoreNone.add(Latency.time(stevedoreNoneRun, i));
                    stevedoreUnconfined.add(Latency.time(stevedoreUnconfinedRun, i));
                } else {
                    stevedoreUnconfined.add(Latency.time(stevedoreUnconfinedRun, i));
                    stevedoreNone.add(Latency.time(stevedoreNoneRun, i));
                }
                crun.add(Latency.time(crunRun, i));
                rootless.add(rootlessWorker.run());
                if (i < 0 || i % Math.max(1, runs / dockerRuns) == 0) {
                    docker.add(Latency.time(dockerRun, i));
                    dockerNone.add(Latency.time(dockerNoneRun, i));
                }
            }
            rootlessWorker.close();
            for (List<Double> measured : List.of(stevedore, stevedoreNone, stevedoreUnconfined, crun, docker, dockerNone, rootless)) {
                measured.subList(0, 5).clear();
            }

            Latency.report("stevedore run+wait+remove", stevedore);
            Latency.report("  create", PHASES.get(0));
            Latency.report("  start", PHASES.get(1));
            Latency.report("  wait", PHASES.get(2));
            Latency.report("  remove", PHASES.get(3));
            Latency.report("stevedore rootless run+wait+remove (ordinary user)", rootless);
            System.out.printf("rootless/rootful (bridge): median %.2f, min %.2f; rootless/docker median %.3f (1/%.0f)%n",
                    Latency.median(rootless) / Latency.median(stevedore), Latency.min(rootless) / Latency.min(stevedore),
                    Latency.median(rootless) / Latency.median(docker), Latency.median(docker) / Latency.median(rootless));
            Latency.report("stevedore --network none", stevedoreNone);
            Latency.report("stevedore --network none, seccomp=unconfined", stevedoreUnconfined);
            System.out.printf("seccomp's cost (median, min of none minus unconfined): %.3f ms, %.3f ms%n",
                    Latency.median(stevedoreNone) - Latency.median(stevedoreUnconfined),
                    Latency.min(stevedoreNone) - Latency.min(stevedoreUnconfined));
            Latency.report("crun run", crun);
            Latency.report("docker run --rm", docker);
            Latency.report("docker run --rm --network none", dockerNone);
            double toDocker = Latency.median(stevedore) / Latency.median(docker);
            double toDockerNone = Latency.median(stevedoreNone) / Latency.median(dockerNone);
            System.out.printf("median ratios: stevedore/docker (bridge) %.3f (1/%.0f), (none) %.3f (1/%.0f); stevedore/crun"
                    + " %.2f (none: %.2f)%n", toDocker, 1 / toDocker, toDockerNone, 1 / toDockerNone,
                    Latency.median(stevedore) / Latency.median(crun), Latency.median(stevedoreNone) / Latency.median(crun));
            System.out.printf("min ratios:    stevedore/docker (bridge) %.3f, (none) %.3f; stevedore/crun %.2f%n",
                    Latency.min(stevedore) / Latency.min(docker), Latency.min(stevedoreNone) / Latency.min(dockerNone),
                    Latency.min(stevedore) / Latency.min(crun));
        } finally {
            delete(state);
        }
    }

    /** Rounds of Stevedore and crun before the measured ones. */
    private static final int WARM_UP = 50;

    private static final List<List<Double>> PHASES = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());

    private static void stevedore(ContainerEngine engine, String image, String networkMode, String securityOpt, boolean record) {
        long t0 = System.nanoTime();
        ContainerSpec.Builder spec = ContainerSpec.builder(image).cmd("true");
        if (networkMode != null) {
            spec.networkMode(networkMode);
        }
        if (securityOpt != null) {
            spec.securityOpt(securityOpt);
        }
        ContainerInfo info = engine.createContainer(spec.build());
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
        if (record) {
            long[] t = {t0, t1, t2, t3, t4};
            for (int i = 0; i < 4; i++) {
                PHASES.get(i).add((t[i + 1] - t[i]) / 1e6);
            }
        }
    }

    /** The {@link RootlessLatencyWorker} in a JVM of the test bed's ordinary user, one run per call. */
    record RootlessWorker(Process process, java.io.BufferedReader out, java.io.PrintStream in) implements AutoCloseable {
        static RootlessWorker start(String image) throws IOException {
            Path target = Path.of("engine/target").toAbsolutePath();
            Process p = new ProcessBuilder("engine/src/test/rootless/bin/java", "-Dstevedore.rootless.user=stevedore-rootless",
                    "-Dstevedore.rootless.target=" + target, "-cp", System.getProperty("java.class.path"),
                    RootlessLatencyWorker.class.getName(), image).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            RootlessWorker worker = new RootlessWorker(p, new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)), new java.io.PrintStream(p.getOutputStream(), true));
            String ready = worker.out.readLine();
            if (!"ready".equals(ready)) {
                p.destroyForcibly();
                throw new IllegalStateException("the rootless worker did not start (it said: " + ready + ")");
            }
            return worker;
        }

        double run() throws IOException {
            return answer("run");
        }

        /** {@link RootlessLatencyWorker#postgresFirstAnswer} there. */
        double postgres(String image) throws IOException {
            return answer("postgres " + image);
        }

        private double answer(String command) throws IOException {
            in.println(command);
            String line = out.readLine();
            try {
                return Double.parseDouble(line);
            } catch (NumberFormatException | NullPointerException e) {
                throw new IllegalStateException("the rootless worker failed a run: " + line, e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
