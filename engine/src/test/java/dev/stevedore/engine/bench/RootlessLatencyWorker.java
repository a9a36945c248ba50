package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.os.FileTrees;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The rootless side of {@link ContainerLatency}: runs as an ordinary user (started through the engine's rootless test
 * wrapper, {@code src/test/rootless/bin/java}), opens the rootless embedded engine, pulls the image given, says
 * {@code ready}, and then, for each {@code run} line on stdin, times one {@code runContainer} + {@code waitContainer} +
 * {@code removeContainer} of {@code true} on the default network, as the rootful engine is timed, and prints the
 * milliseconds. Driven round by round, so that its runs interleave with the rootful engine's and docker's.
 */
public final class RootlessLatencyWorker {
    private RootlessLatencyWorker() {
    }

    public static void main(String[] args) throws Exception {
        String image = args[0];
        Path state = Files.createTempDirectory("stevedore-rootless-bench-");
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            engine.pull(image);
            System.out.println("ready");
            System.out.flush();
            String line;
            while ((line = in.readLine()) != null && line.equals("run")) {
                long t0 = System.nanoTime();
                ContainerInfo info = engine.createContainer(ContainerSpec.builder(image).cmd("true").build());
                engine.startContainer(info.id());
                int code = engine.waitContainer(info.id(), Duration.ofSeconds(10)).exitCode();
                engine.removeContainer(info.id(), false);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.println(code == 0 ? Double.toString(ms) : "failed: true exited with " + code);
                System.out.flush();
            }
        } finally {
            FileTrees.deleteRecursively(state);
        }
    }
}
