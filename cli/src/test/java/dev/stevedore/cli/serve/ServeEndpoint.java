package dev.stevedore.cli.serve;

import static org.awaitility.Awaitility.await;

import dev.stevedore.engine.testbed.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Docker Engine API endpoint that client tests talk to: by default a {@code stevedore serve} started for the
 * test from the packaged {@code stevedore.jar} (a child JVM with a state directory of its own, the embedded engine,
 * and the test bed's plain registry as the mirror of docker.io, so images are named as users name them). Tests get
 * one through {@link SharedServe}.
 *
 * <p>To check what the tests expect against a real daemon, {@code -Dstevedore.serve.dockerHost=unix:///run/stevedore-testbed/docker.sock}
 * points them at another endpoint instead; such a daemon cannot reach docker.io, so
 * {@code -Dstevedore.serve.imagePrefix=127.0.0.1:5000/library/} then names the images in the test bed's registry.
 */
final class ServeEndpoint implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String dockerHost;
    private final String imagePrefix;
    private final Process process;
    private final Path log;

    private ServeEndpoint(String dockerHost, String imagePrefix, Process process, Path log) {
        this.dockerHost = dockerHost;
        this.imagePrefix = imagePrefix;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code stevedore serve} on a socket in {@code directory} (or uses the endpoint the system property names). */
    static ServeEndpoint start(Path directory) {
        String external = System.getProperty("stevedore.serve.dockerHost", "");
        if (!external.isBlank()) {
            return new ServeEndpoint(external, System.getProperty("stevedore.serve.imagePrefix", ""), null, null);
        }
        Path jar = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist — run 'mvn -pl engine,dsl,cli verify' so it is packaged first");
        }
        Testbed testbed = Testbed.get();
        Path socket = directory.resolve("docker.sock");
        Path log = directory.resolve("serve.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "serve", "--socket", socket.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.remove("DOCKER_HOST");
        environment.put("STEVEDORE_ENGINE", "embedded");
        environment.put("STEVEDORE_HOME", directory.resolve("home").toString());
        environment.put("STEVEDORE_REGISTRY_MIRROR", testbed.plainRegistry());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting 'stevedore serve --socket " + socket + "' failed", e);
        }
        ServeEndpoint endpoint = new ServeEndpoint("unix://" + socket, "", process, log);
        try {
            await("stevedore serve answering /_ping on " + socket)
                    .atMost(START_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .failFast("stevedore serve exited", () -> !process.isAlive())
                    .until(() -> answersPing(socket));
        } catch (RuntimeException | AssertionError e) {
            endpoint.close();
            throw new AssertionError("stevedore serve did not come up: " + e.getMessage() + "\n--- its output\n" + endpoint.output(), e);
        }
        return endpoint;
    }

    private static boolean answersPing(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            for (int n; (n = channel.read(buffer)) >= 0 && received.size() < 65536; buffer.clear()) {
                received.write(buffer.array(), 0, n);
            }
            String response = received.toString(StandardCharsets.US_ASCII);
            return response.startsWith("HTTP/1.1 200") && response.endsWith("OK");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code unix:///.../docker.sock}, for {@code DOCKER_HOST}. */
    String dockerHost() {
        return dockerHost;
    }

    /** The image as a user names it ({@code busybox}, {@code postgres:15}). */
    String image(String name) {
        return imagePrefix + name;
    }

    /** The full reference the daemon reports for {@link #image}: {@code docker.io/library/busybox:latest}. */
    String canonical(String name) {
        String tagged = name.contains(":") ? name : name + ":latest";
        return imagePrefix.isEmpty() ? "docker.io/library/" + tagged : imagePrefix + tagged;
    }

    /** Whether this is {@code stevedore serve} rather than another daemon named by the system property. */
    boolean isStevedore() {
        return process != null;
    }

    /** What {@code stevedore serve} printed so far (for failure messages). */
    String output() {
        if (log == null) {
            return "(an external endpoint: " + dockerHost + ")";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(its log " + log + " could not be read: " + e + ")";
        }
    }

    /** Ends {@code stevedore serve} as a user's Ctrl-C would (SIGTERM), so it removes its socket and containers. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("stevedore serve did not end within 30 s of SIGTERM\n--- its output\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
