package dev.stevedore.cli.serve;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Testcontainers user writes, run in a JVM of its own by {@link TestcontainersIT} (so that the environment,
 * home directory and Testcontainers' once-per-JVM configuration are the test's alone). Prints what it observed as
 * {@code key=value} lines ({@code \n} and {@code \\} escaped) for the test to check; any failure ends it with a stack
 * trace and exit code 1.
 *
 * <p>Arguments: the scenario ({@code postgres} or {@code generic}) and the image to use.
 */
public final class ViaTestcontainers {
    private static final PrintStream OUT = System.out;

    private ViaTestcontainers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ViaTestcontainers postgres|generic IMAGE");
        }
        switch (args[0]) {
            case "postgres" -> postgres(args[1]);
            case "generic" -> generic(args[1]);
            default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
        }
        OUT.flush();
    }

    private static void postgres(String image) throws Exception {
        try (PostgreSQLContainer postgres = new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))) {
            long start = System.nanoTime();
            postgres.start();
            report("postgres.startMillis", String.valueOf((System.nanoTime() - start) / 1_000_000));
            report("postgres.jdbcUrl", postgres.getJdbcUrl());
            try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT current_database() || '|' || current_user || '|' || 6 * 7,"
                            + " current_setting('server_version_num')")) {
                rows.next();
                report("postgres.answer", rows.getString(1));
                report("postgres.version", rows.getString(2));
            }
        }
        report("postgres.stopped", "yes");
    }

    private static void generic(String image) throws Exception {
        try (GenericContainer<?> box = new GenericContainer<>(DockerImageName.parse(image))
                .withCopyToContainer(Transferable.of("copied before start\n"), "/data/in.txt")
                .withCommand("sh", "-c", "echo \"read $(cat /data/in.txt)\"; echo ready; exec sleep 600")
                .waitingFor(Wait.forLogMessage("ready\\n", 1).withStartupTimeout(Duration.ofSeconds(60)))) {
            long start = System.nanoTime();
            box.start();
            report("generic.startMillis", String.valueOf((System.nanoTime() - start) / 1_000_000));
            report("generic.running", String.valueOf(box.isRunning()));
            report("generic.logs", box.getLogs());
            box.copyFileToContainer(Transferable.of("copied while running"), "/data/later.txt");
            report("generic.readBack", box.copyFileFromContainer("/data/later.txt",
                    in -> new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            Container.ExecResult exec = box.execInContainer("sh", "-c", "cat /data/in.txt; echo to-stderr >&2; exit 3");
            report("generic.exec", exec.getExitCode() + "|" + exec.getStdout() + "|" + exec.getStderr());
        }
        report("generic.stopped", "yes");
    }

    private static void report(String key, String value) {
        OUT.println(key + "=" + value.replace("\\", "\\\\").replace("\n", "\\n"));
    }
}
