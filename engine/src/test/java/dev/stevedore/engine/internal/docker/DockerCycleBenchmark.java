package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.testbed.Testbed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measures (does not assert) the Docker backend against the test bed's dockerd: a container's whole life
 * ({@code createContainer} + {@code startContainer} + {@code waitContainer} + {@code removeContainer} of
 * {@code true}, each phase too), {@code docker run --rm} of the same for comparison, an exec round trip and
 * a log read. Usage: {@code DockerCycleBenchmark [runs]} (default 20) with the test bed and its dockerd up.
 */
public final class DockerCycleBenchmark {
    private DockerCycleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Testbed testbed = Testbed.get();
        Path socket = testbed.dockerSocket().orElseThrow(() -> new IllegalStateException("run `sudo testbed/dockerd up` first"));
        String image = testbed.plainRegistry() + "/library/busybox:latest";
        try (DockerEngine engine = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), EngineSettings.fromEnvironment())) {
            engine.pull(image);
            List<List<Double>> phases = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            List<Double> cycle = new ArrayList<>();
            for (int i = -3; i < runs; i++) {
                long t0 = System.nanoTime();
                ContainerInfo info = engine.createContainer(ContainerSpec.builder(image).cmd("true").build());
                long t1 = System.nanoTime();
                engine.startContainer(info.id());
                long t2 = System.nanoTime();
                int code = engine.waitContainer(info.id(), Duration.ofSeconds(30)).exitCode();
                long t3 = System.nanoTime();
                engine.removeContainer(info.id(), false);
                long t4 = System.nanoTime();
                if (code != 0) {
                    throw new IllegalStateException("true exited with " + code);
                }
                if (i >= 0) {
                    long[] t = {t0, t1, t2, t3, t4};
                    for (int p = 0; p < 4; p++) {
                        phases.get(p).add((t[p + 1] - t[p]) / 1e6);
                    }
                    cycle.add((t4 - t0) / 1e6);
                }
            }
            List<Double> cli = new ArrayList<>();
            for (int i = -2; i < runs; i++) {
                long start = System.nanoTime();
                Process p = new ProcessBuilder("docker", "-H", "unix://" + socket, "run", "--rm", image, "true")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("docker run failed");
                }
                if (i >= 0) {
                    cli.add((System.nanoTime() - start) / 1e6);
                }
            }
            ContainerInfo target = engine.runContainer(ContainerSpec.builder(image).cmd("sleep", "600").build());
            List<Double> exec = new ArrayList<>();
            List<Double> execStdin = new ArrayList<>();
            List<Double> logs = new ArrayList<>();
            for (int i = -3; i < runs; i++) {
                long start = System.nanoTime();
                engine.exec(target.id(), ExecSpec.of("true"));
                long afterExec = System.nanoTime();
                engine.exec(target.id(), ExecSpec.of("cat").withStdin(new byte[] {'x'}));
                long afterStdin = System.nanoTime();
                try (var l = engine.logs(target.id(), LogOptions.all())) {
                    l.lines().count();
                }
                long afterLogs = System.nanoTime();
                if (i >= 0) {
                    exec.add((afterExec - start) / 1e6);
                    execStdin.add((afterStdin - afterExec) / 1e6);
                    logs.add((afterLogs - afterStdin) / 1e6);
                }
            }
            report("create+start+wait+remove (true)", cycle);
            String[] names = {"  create", "  start", "  wait", "  remove"};
            for (int p = 0; p < 4; p++) {
                report(names[p], phases.get(p));
            }
            report("docker run --rm (CLI)", cli);
            report("exec true", exec);
            report("exec cat with stdin (hijacked)", execStdin);
            report("logs (empty, no follow)", logs);
            long closeStart = System.nanoTime();
            engine.close();
            System.out.printf("%-34s %8.1f ms (removes the running container)%n", "close", (System.nanoTime() - closeStart) / 1e6);
        }
    }

    private static void report(String name, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        System.out.printf("%-34s median %7.1f ms  min %7.1f  max %7.1f  (n=%d)%n", name, median, sorted.get(0),
                sorted.get(sorted.size() - 1), sorted.size());
    }
}
