package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.os.FileTrees;

import dev.stevedore.engine.PortBinding;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The rootless side of {@link ContainerLatency}: runs as an ordinary user (started through the engine's rootless test
 * wrapper, {@code src/test/rootless/bin/java}), opens the rootless embedded engine, pulls the image given, says
 * {@code ready}, and then, for each {@code run} line on stdin, times one {@code runContainer} + {@code waitContainer} +
 * {@code removeContainer} of {@code true} on the default network, as the rootful engine is timed, and prints the
 * milliseconds; for each {@code postgres IMAGE} line, times {@link #postgresFirstAnswer}. Driven round by round, so
 * that its runs interleave with the rootful engine's and docker's.
 */
public final class RootlessLatencyWorker {
    /** pgjdbc logs each refused try of the polling below; held, so that the setting stays. */
    private static final java.util.logging.Logger PGJDBC = java.util.logging.Logger.getLogger("org.postgresql");

    static {
        PGJDBC.setLevel(java.util.logging.Level.OFF);
    }

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
            while ((line = in.readLine()) != null && (line.equals("run") || line.startsWith("postgres "))) {
                if (line.startsWith("postgres ")) {
                    System.out.println(postgresFirstAnswer(engine, line.substring("postgres ".length())));
                    System.out.flush();
                    continue;
                }
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

    /**
     * Milliseconds from {@code runContainer} of postgres (published on a free loopback port) to its first answer to
     * {@code select 1} over JDBC; the container is removed afterwards, outside the time.
     */
    public static double postgresFirstAnswer(ContainerEngine engine, String image) throws InterruptedException {
        long t0 = System.nanoTime();
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(image).env("POSTGRES_PASSWORD", "bench")
                .port(PortBinding.loopback(5432)).build());
        try {
            int port = engine.inspectContainer(info.id()).ports().get(0).hostPort();
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("password", "bench");
            properties.setProperty("connectTimeout", "2");
            long deadline = t0 + Duration.ofSeconds(120).toNanos();
            // polled: the first answer is what is measured, and nothing announces it to the host but the answer itself
            while (true) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
                     Statement st = c.createStatement()) {
                    st.execute("select 1");
                    return (System.nanoTime() - t0) / 1e6;
                } catch (SQLException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("postgres did not answer within 120 s", notYet);
                    }
                    Thread.sleep(20);
                }
            }
        } finally {
            engine.removeContainer(info.id(), true);
        }
    }
}
