package dev.stevedore.cli.serve;

import com.github.dockerjava.api.model.HealthCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Testcontainers user writes, run in a JVM of its own by {@link TestcontainersIT} (so that the environment,
 * home directory and Testcontainers' once-per-JVM configuration are the test's alone). Prints what it observed as
 * {@code key=value} lines ({@code \n} and {@code \\} escaped) for the test to check; any failure ends it with a stack
 * trace and exit code 1.
 *
 * <p>Arguments: the scenario ({@code postgres}, {@code generic}, {@code network}, {@code health} or {@code build}) and the image to use.
 */
public final class ViaTestcontainers {
    private static final PrintStream OUT = System.out;

    private ViaTestcontainers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ViaTestcontainers postgres|generic|network|health|build IMAGE");
        }
        switch (args[0]) {
            case "postgres" -> postgres(args[1]);
            case "generic" -> generic(args[1]);
            case "network" -> network(args[1]);
            case "health" -> health(args[1]);
            case "build" -> build(args[1]);
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
                .withEnv("COLOUR", "green")
                .withLabel("dev.stevedore.scenario", "generic")
                .withTmpFs(Map.of("/scratch", "rw"))
                .withCommand("sh", "-c", "echo \"read $(cat /data/in.txt)\"; echo ready; exec sleep 600")
                .waitingFor(Wait.forLogMessage("ready\\n", 1).withStartupTimeout(Duration.ofSeconds(60)))) {
            long start = System.nanoTime();
            box.start();
            report("generic.startMillis", String.valueOf((System.nanoTime() - start) / 1_000_000));
            report("generic.running", String.valueOf(box.isRunning()));
            report("generic.logs", box.getLogs());
            report("generic.label", box.getContainerInfo().getConfig().getLabels().get("dev.stevedore.scenario"));
            Container.ExecResult setup = box.execInContainer("sh", "-c", "echo $COLOUR; grep -c ' /scratch tmpfs ' /proc/mounts");
            report("generic.envAndTmpfs", setup.getStdout());
            box.copyFileToContainer(Transferable.of("copied while running"), "/data/later.txt");
            report("generic.readBack", box.copyFileFromContainer("/data/later.txt",
                    in -> new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            Container.ExecResult exec = box.execInContainer("sh", "-c", "cat /data/in.txt; echo to-stderr >&2; exit 3");
            report("generic.exec", exec.getExitCode() + "|" + exec.getStdout() + "|" + exec.getStderr());
        }
        report("generic.stopped", "yes");
    }

    private static void network(String image) throws Exception {
        try (Network network = Network.newNetwork();
                GenericContainer<?> server = new GenericContainer<>(DockerImageName.parse(image))
                        .withNetwork(network)
                        .withNetworkAliases("greeter")
                        .withEnv("GREETING", "hello over the network")
                        .withExposedPorts(8080)
                        .withCommand("sh", "-c", "while true; do echo \"$GREETING\" | nc -l -p 8080; done");
                GenericContainer<?> client = new GenericContainer<>(DockerImageName.parse(image))
                        .withNetwork(network)
                        .withCommand("sh", "-c", "i=0; while [ $i -lt 100 ]; do nc greeter 8080 </dev/null && exit 0;"
                                + " sleep 0.1; i=$((i+1)); done; exit 1")
                        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            long start = System.nanoTime();
            server.start();
            report("network.startMillis", String.valueOf((System.nanoTime() - start) / 1_000_000));
            report("network.host", server.getHost());
            report("network.fromHost", readLine(server.getHost(), server.getMappedPort(8080)));
            client.start();
            report("network.byAlias", client.getLogs());
        }
        report("network.stopped", "yes");
    }

    private static void health(String image) throws Exception {
        try (GenericContainer<?> box = new GenericContainer<>(DockerImageName.parse(image))
                .withCommand("sh", "-c", "sleep 1; touch /tmp/healthy; exec sleep 600")
                .withCreateContainerCmdModifier(create -> create.withHealthcheck(new HealthCheck()
                        .withTest(List.of("CMD-SHELL", "test -e /tmp/healthy"))
                        .withInterval(Duration.ofMillis(200).toNanos())
                        .withTimeout(Duration.ofSeconds(5).toNanos())
                        .withRetries(100)))
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofSeconds(60)))) {
            long start = System.nanoTime();
            box.start();
            report("health.startMillis", String.valueOf((System.nanoTime() - start) / 1_000_000));
            report("health.status", box.getCurrentContainerInfo().getState().getHealth().getStatus());
            report("health.healthy", String.valueOf(box.isHealthy()));
        }
        report("health.stopped", "yes");
    }

    /**
     * {@code ImageFromDockerfile}: a context with a {@code .dockerignore}, a build arg, and a RUN that stamps the image;
     * built twice by two instances, as two test classes would, then run.
     */
    private static void build(String image) throws Exception {
        Path context = Files.createTempDirectory("tc-build-");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + image + "\nARG V\nCOPY . /app/\n"
                + "RUN echo \"v=$V\" >> /app/app.txt && cat /proc/sys/kernel/random/uuid > /stamp\n"
                + "CMD [\"sh\", \"-c\", \"cat /app/app.txt; ls /app; exec sleep 600\"]\n");
        Files.writeString(context.resolve("app.txt"), "from the context\n");
        Files.writeString(context.resolve("secret.txt"), "never sent\n");
        Files.writeString(context.resolve(".dockerignore"), "secret.txt\n");
        String first = new ImageFromDockerfile().withFileFromPath(".", context).withBuildArg("V", "tc").get();
        String second = new ImageFromDockerfile().withFileFromPath(".", context).withBuildArg("V", "tc").get();
        try (GenericContainer<?> one = new GenericContainer<>(DockerImageName.parse(first))
                .waitingFor(Wait.forLogMessage("v=tc\\n", 1).withStartupTimeout(Duration.ofSeconds(60)));
                GenericContainer<?> two = new GenericContainer<>(DockerImageName.parse(second))
                        .waitingFor(Wait.forLogMessage("v=tc\\n", 1).withStartupTimeout(Duration.ofSeconds(60)))) {
            one.start();
            two.start();
            report("build.logs", one.getLogs());
            String stampOne = one.execInContainer("cat", "/stamp").getStdout();
            report("build.stamp", stampOne.isBlank() ? "blank" : "written");
            report("build.sameStamp", String.valueOf(stampOne.equals(two.execInContainer("cat", "/stamp").getStdout())));
        }
        report("build.stopped", "yes");
    }

    /** The first line the server sends, retried while its loop is between two {@code nc -l} (bounded: 100 tries). */
    private static String readLine(String host, int port) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket socket = new Socket(host, port);
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                socket.setSoTimeout(5000);
                String line = in.readLine();
                if (line != null) {
                    return line;
                }
            } catch (IOException e) {
                last = e;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IOException("no line from " + host + ":" + port + " in 100 tries", last);
    }

    private static void report(String key, String value) {
        OUT.println(key + "=" + value.replace("\\", "\\\\").replace("\n", "\\n"));
    }
}
