package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Pull benchmark: Stevedore's embedded engine against a real dockerd, same image, same local registry,
 * same run. Cold = nothing of the image stored; warm = the image is already present.
 *
 * <p>Usage: {@code PullBenchmark REGISTRY/REPO:TAG DOCKER_HOST [rounds]}. Stevedore is measured in
 * process (a warm JVM, as in a test run); docker through its CLI, whose own start-up (~20 ms) is part of
 * what a user waits for. Both unpack the layers: dockerd into overlay2, Stevedore into snapshots.
 */
public final class PullBenchmark {
    private PullBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String image = args[0];
        String dockerHost = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path scratch = Files.createTempDirectory("stevedore-pull-bench");
        try {
            // one untimed round each to warm the JVM, the page cache and the registry
            stevedoreColdPull(scratch.resolve("warmup"), image);
            docker(dockerHost, "rmi", "-f", image);
            docker(dockerHost, "pull", "-q", image);

            List<Double> stevedoreCold = new ArrayList<>();
            List<Double> dockerCold = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                stevedoreCold.add(stevedoreColdPull(scratch.resolve("cold-" + i), image));
                docker(dockerHost, "rmi", "-f", image);
                long start = System.nanoTime();
                docker(dockerHost, "pull", "-q", image);
                dockerCold.add(millis(start));
            }
            List<Double> stevedoreWarm = new ArrayList<>();
            List<Double> dockerWarm = new ArrayList<>();
            Path warmState = scratch.resolve("warm");
            try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(warmState))) {
                engine.pull(ImageReference.parse(image), PullOptions.defaults());
                for (int i = 0; i < rounds * 4; i++) {
                    long start = System.nanoTime();
                    engine.pull(ImageReference.parse(image), PullOptions.defaults());
                    stevedoreWarm.add(millis(start));
                    start = System.nanoTime();
                    docker(dockerHost, "pull", "-q", image);
                    dockerWarm.add(millis(start));
                }
            }
            System.out.println("pull of " + image + " from a loopback registry, " + rounds + " cold rounds, "
                    + rounds * 4 + " warm rounds (ms)");
            report("cold", stevedoreCold, dockerCold);
            report("warm (image present)", stevedoreWarm, dockerWarm);
        } finally {
            delete(scratch);
        }
    }

    private static double stevedoreColdPull(Path state, String image) {
        long start = System.nanoTime();
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            engine.pull(ImageReference.parse(image), PullOptions.defaults());
        }
        return millis(start);
    }

    private static void report(String what, List<Double> stevedore, List<Double> docker) {
        double s = median(stevedore);
        double d = median(docker);
        System.out.printf(Locale.ROOT, "%-22s stevedore min/median/max %8.1f %8.1f %8.1f | dockerd %8.1f %8.1f %8.1f | ratio (median) %.2fx%n",
                what, min(stevedore), s, max(stevedore), min(docker), d, max(docker), s / d);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().min(Comparator.naturalOrder()).orElseThrow();
    }

    private static double max(List<Double> values) {
        return values.stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    private static double millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }

    private static void docker(String host, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        if (exit != 0 && !(args[0].equals("rmi") && output.contains("No such image"))) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + exit + "): " + output);
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
