package dev.stevedore.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Testcontainers itself (org.testcontainers:testcontainers-postgresql from Maven Central) as the client of
 * {@code stevedore serve}: {@code DOCKER_HOST} at its socket, Ryuk disabled, a throwaway home directory so no
 * configuration of the machine's takes part. The user's code is {@link ViaTestcontainers}, run in a child JVM.
 */
@ExtendWith(SharedServe.class)
class TestcontainersIT {
    private static final long TIMEOUT_SECONDS = 240;

    private static ServeEndpoint endpoint;
    private static DockerCli docker;

    @TempDir
    Path home;

    @BeforeAll
    static void connect(ServeEndpoint serve, @TempDir Path dockerConfig) {
        DockerCli.clientVersion();
        endpoint = serve;
        docker = new DockerCli(endpoint.dockerHost(), dockerConfig);
    }

    @Test
    void postgreSQLContainerStartsPostgres15AndAnswersAJdbcQuery() throws Exception {
        Map<String, String> seen = runTestcontainers("postgres", endpoint.image("postgres:15"));

        assertThat(seen.get("postgres.jdbcUrl")).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/test\\?loggerLevel=OFF");
        assertThat(seen.get("postgres.answer")).isEqualTo("test|test|42");
        assertThat(seen.get("postgres.version")).matches("15\\d{4}");
        assertThat(seen.get("postgres.stopped")).isEqualTo("yes");
        assertThat(testcontainersContainers()).as("stop() removed the container").isEmpty();
    }

    @Test
    void genericContainerWithEnvLabelTmpfsWaitsForItsLogLineAndCopiesFilesInAndOut() throws Exception {
        Map<String, String> seen = runTestcontainers("generic", endpoint.image("busybox"));

        assertThat(seen.get("generic.running")).isEqualTo("true");
        assertThat(seen.get("generic.logs")).as("the file copied in before start was there when it started")
                .isEqualTo("read copied before start\nready\n");
        assertThat(seen.get("generic.label")).isEqualTo("generic");
        assertThat(seen.get("generic.envAndTmpfs")).as("withEnv and withTmpFs applied").isEqualTo("green\n1\n");
        assertThat(seen.get("generic.readBack")).isEqualTo("copied while running");
        assertThat(seen.get("generic.exec")).isEqualTo("3|copied before start\n|to-stderr\n");
        assertThat(seen.get("generic.stopped")).isEqualTo("yes");
        assertThat(testcontainersContainers()).as("stop() removed the container").isEmpty();
    }

    @Test
    void containersOnATestcontainersNetworkReachEachOtherByAliasAndTheHostByMappedPort() throws Exception {
        Map<String, String> seen = runTestcontainers("network", endpoint.image("busybox"));

        assertThat(seen.get("network.host")).isEqualTo("127.0.0.1");
        assertThat(seen.get("network.fromHost")).isEqualTo("hello over the network");
        assertThat(seen.get("network.byAlias")).isEqualTo("hello over the network\n");
        assertThat(seen.get("network.stopped")).isEqualTo("yes");
        assertThat(testcontainersContainers()).as("close() removed the containers").isEmpty();
        DockerCli.Result networks = docker.run("network", "ls", "-q", "--filter", "label=org.testcontainers=true");
        assertThat(networks.exitCode()).as(networks.toString()).isZero();
        assertThat(networks.out()).as("close() removed the network").isEmpty();
    }

    @Test
    void healthcheckWaitLastsUntilTheContainersCheckPasses() throws Exception {
        Map<String, String> seen = runTestcontainers("health", endpoint.image("busybox"));

        assertThat(Long.parseLong(seen.get("health.startMillis"))).as("the check passes once the command made its file, after 1 s")
                .isGreaterThanOrEqualTo(1000);
        assertThat(seen.get("health.status")).isEqualTo("healthy");
        assertThat(seen.get("health.healthy")).isEqualTo("true");
        assertThat(seen.get("health.stopped")).isEqualTo("yes");
        assertThat(testcontainersContainers()).as("stop() removed the container").isEmpty();
    }

    @Test
    void imageFromDockerfileBuildsThroughServeWithItsDockerignoreAndItsCache() throws Exception {
        Map<String, String> seen = runTestcontainers("build", endpoint.image("busybox"));

        assertThat(seen.get("build.logs")).as("the context's file, the build arg, .dockerignore kept secret.txt out")
                .isEqualTo("from the context\nv=tc\nDockerfile\napp.txt\n");
        assertThat(seen.get("build.stamp")).isEqualTo("written");
        assertThat(seen.get("build.sameStamp")).as("the second build's RUN came from the cache").isEqualTo("true");
        assertThat(seen.get("build.stopped")).isEqualTo("yes");
        assertThat(testcontainersContainers()).as("stop() removed the containers").isEmpty();
    }

    /** Containers with Testcontainers' label, which the server keeps and filters on. */
    private static List<String> testcontainersContainers() {
        DockerCli.Result ps = docker.run("ps", "-a", "-q", "--filter", "label=org.testcontainers=true");
        assertThat(ps.exitCode()).as(ps.toString()).isZero();
        return ps.outLines();
    }

    /** Runs {@link ViaTestcontainers} in a child JVM and returns what it reported; fails with its output if it failed. */
    private Map<String, String> runTestcontainers(String scenario, String image) throws IOException, InterruptedException {
        Files.writeString(home.resolve(".testcontainers.properties"),
                "# a throwaway home: none of the machine's Testcontainers configuration takes part\n");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-cp", classPath, ViaTestcontainers.class.getName(), scenario, image)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("DOCKER_") || key.startsWith("TESTCONTAINERS_"));
        environment.put("HOME", home.toString());
        environment.put("DOCKER_HOST", endpoint.dockerHost());
        environment.put("DOCKER_CONFIG", home.resolve(".docker").toString());
        environment.put("TESTCONTAINERS_RYUK_DISABLED", "true");
        // This machine has /.dockerenv, which makes Testcontainers look for the daemon's host through a gateway
        // (as it must inside a container); ports published on loopback are what it should use.
        environment.put("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
        Process process = builder.start();
        boolean ended = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(home.resolve("stdout.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(home.resolve("stderr.txt"), StandardCharsets.UTF_8);
        if (!ended || process.exitValue() != 0) {
            throw new AssertionError("Testcontainers' " + scenario + " scenario " + (ended ? "exited " + process.exitValue()
                    : "did not end within " + TIMEOUT_SECONDS + " s") + "\n--- stdout\n" + out + "--- stderr\n" + err
                    + "--- stevedore serve\n" + endpoint.output());
        }
        System.out.println("Testcontainers' " + scenario + " scenario reported:\n" + out);
        Map<String, String> seen = new LinkedHashMap<>();
        out.lines().filter(line -> line.indexOf('=') > 0).forEach(line -> {
            int equals = line.indexOf('=');
            seen.put(line.substring(0, equals), unescape(line.substring(equals + 1)));
        });
        return seen;
    }

    private static String unescape(String value) {
        StringBuilder plain = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                plain.append(next == 'n' ? '\n' : next);
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
