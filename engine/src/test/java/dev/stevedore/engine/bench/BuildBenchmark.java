package dev.stevedore.engine.bench;

import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Build benchmark: Stevedore's embedded builder against {@code docker build} on a real dockerd (its classic builder:
 * the docker CLI here has no buildx), the same context, the same run: a cold build (no cache), an unchanged rebuild,
 * and a rebuild after a source file copied late in the Dockerfile changed.
 *
 * <p>Usage: {@code BuildBenchmark BASE_IMAGE DOCKER_HOST [rounds]}. Stevedore is measured in process (a warm JVM, as in
 * a test run); docker through its CLI, whose own start-up is part of what a user waits for.
 */
public final class BuildBenchmark {
    private BuildBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String dockerHost = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path scratch = Files.createTempDirectory("stevedore-build-bench");
        Path context = scratch.resolve("context");
        writeContext(context, base);
        String tag = "local.test/build-bench:1";
        List<Double> sCold = new ArrayList<>();
        List<Double> sSame = new ArrayList<>();
        List<Double> sChanged = new ArrayList<>();
        List<Double> dCold = new ArrayList<>();
        List<Double> dSame = new ArrayList<>();
        List<Double> dChanged = new ArrayList<>();
        docker(dockerHost, "pull", "-q", base);
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(scratch.resolve("state")))) {
            BuildSpec cold = BuildSpec.builder(context).tag(tag).noCache(true).build();
            BuildSpec warm = BuildSpec.builder(context).tag(tag).build();
            engine.build(cold, e -> { }); // one untimed round each: JVM, page cache, base image
            docker(dockerHost, "build", "-q", "--no-cache", "-t", tag, context.toString());
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                engine.build(cold, e -> { });
                sCold.add(millis(start));
                start = System.nanoTime();
                engine.build(warm, e -> { });
                sSame.add(millis(start));
                Files.writeString(context.resolve("src/main.txt"), "main " + i + "\n");
                start = System.nanoTime();
                engine.build(warm, e -> { });
                sChanged.add(millis(start));

                start = System.nanoTime();
                docker(dockerHost, "build", "-q", "--no-cache", "-t", tag, context.toString());
                dCold.add(millis(start));
                start = System.nanoTime();
                docker(dockerHost, "build", "-q", "-t", tag, context.toString());
                dSame.add(millis(start));
                Files.writeString(context.resolve("src/main.txt"), "main again " + i + "\n");
                start = System.nanoTime();
                docker(dockerHost, "build", "-q", "-t", tag, context.toString());
                dChanged.add(millis(start));
            }
        } finally {
            docker(dockerHost, "rmi", "-f", tag);
        }
        row("cold build (no cache)", sCold, dCold);
        row("unchanged rebuild", sSame, dSame);
        row("rebuild, late source changed", sChanged, dChanged);
    }

    private static void writeContext(Path context, String base) throws IOException {
        Files.createDirectories(context.resolve("deps"));
        Files.createDirectories(context.resolve("src"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(context.resolve("deps/lib-" + i + ".txt"), ("library " + i + "\n").repeat(200));
        }
        Files.writeString(context.resolve("src/main.txt"), "main\n");
        Files.writeString(context.resolve("Dockerfile"), """
                FROM %s
                ENV APP=/app
                WORKDIR /app
                COPY deps/ /app/deps/
                RUN for i in $(seq 1 100); do echo "$i" > /app/gen-$i; done && cat /app/deps/* | wc -l > /app/lines
                COPY src/ /app/src/
                RUN cat /app/src/main.txt /app/lines > /app/summary
                CMD ["cat", "/app/summary"]
                """.formatted(base), StandardCharsets.UTF_8);
    }

    private static void row(String what, List<Double> stevedore, List<Double> docker) {
        double s = Latency.median(stevedore);
        double d = Latency.median(docker);
        System.out.printf("%-32s stevedore %7.0f ms   docker build %7.0f ms   ratio %.2f   (medians; stevedore %s, docker %s)%n",
                what, s, d, s / d, stevedore.stream().map(v -> String.format("%.0f", v)).toList(),
                docker.stream().map(v -> String.format("%.0f", v)).toList());
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static void docker(String host, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_BUILDKIT", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
