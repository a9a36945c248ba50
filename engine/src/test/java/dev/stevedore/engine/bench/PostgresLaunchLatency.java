package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.os.FileTrees;
import dev.stevedore.engine.testbed.Testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures (does not assert) Postgres launch to first JDBC answer ({@link RootlessLatencyWorker#postgresFirstAnswer}):
 * the test bed's {@code postgres:15} on the rootful embedded engine in this JVM (run as root) and on the rootless one
 * in a JVM of the test bed's ordinary user, interleaved round by round after one warm-up round each. Arguments:
 * {@code [rounds]} (default 5).
 */
public final class PostgresLaunchLatency {
    private PostgresLaunchLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String image = Testbed.get().plainRegistry() + "/library/postgres:15";
        Path state = Files.createTempDirectory("stevedore-bench-pg-");
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
             ContainerLatency.RootlessWorker rootless = ContainerLatency.RootlessWorker.start(image)) {
            engine.pull(image);
            List<Double> rootful = new ArrayList<>();
            List<Double> user = new ArrayList<>();
            for (int i = -1; i < rounds; i++) {
                double a = RootlessLatencyWorker.postgresFirstAnswer(engine, image);
                double b = rootless.postgres(image);
                if (i >= 0) {
                    rootful.add(a);
                    user.add(b);
                }
            }
            Latency.report("postgres launch -> first JDBC answer, rootful", rootful);
            Latency.report("postgres launch -> first JDBC answer, rootless", user);
            System.out.printf("rootless/rootful: median %.2f, min %.2f%n", Latency.median(user) / Latency.median(rootful),
                    Latency.min(user) / Latency.min(rootful));
        } finally {
            FileTrees.deleteRecursively(state);
        }
    }
}
