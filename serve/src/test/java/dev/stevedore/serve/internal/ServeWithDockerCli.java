package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.serve.DockerApiServer;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test class that drives a server with the docker CLI: one embedded engine with a state directory of the class's
 * own behind a {@link DockerApiServer} on a unix socket, the test bed's busybox pulled through it. Fails, never
 * skips, when the test bed is not up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServeWithDockerCli {
    @TempDir
    protected static Path directory;
    private ContainerEngine embedded;
    private DockerApiServer server;
    /** The server's socket, for {@link DockerCli#run}. */
    protected Path socket;
    /** The test bed's busybox, already pulled through the server. */
    protected String busybox;

    @BeforeAll
    void startServer() {
        embedded = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(directory.resolve("state")));
        server = DockerApiServer.start(embedded, DockerApiServer.Options.unixSocket(directory.resolve("docker.sock")));
        socket = server.socket().orElseThrow();
        busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
        DockerCli.run(socket, "pull", "-q", busybox);
    }

    /** Containers a test made on a server ({@link #made}), removed after the class. */
    private final Map<Path, List<String>> made = new LinkedHashMap<>();

    /** Records container {@code id} made on {@code server} for removal after the class; returns it. */
    protected String made(Path server, String id) {
        made.computeIfAbsent(server, s -> new ArrayList<>()).add(id);
        return id;
    }

    /** The test bed's dockerd, then this class's server: busybox pulled on both, for tests that compare the two. */
    protected List<Path> dockerdThenServe() {
        DockerCli.run(dockerd(), "pull", "-q", busybox);
        return List.of(dockerd(), socket);
    }

    /** The test bed's dockerd's socket; fails when it is not up. */
    protected static Path dockerd() {
        return Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `testbed/dockerd up`"));
    }

    /**
     * Creates a busybox with {@code options} running {@code script}, starts it and waits for its end: its output, then
     * what inspect prints for {@code format}. Removed after the class.
     */
    protected List<String> runToEnd(Path server, String format, String script, String... options) {
        List<String> args = new ArrayList<>(List.of("create"));
        args.addAll(List.of(options));
        args.addAll(List.of(busybox, "sh", "-c", script));
        String id = made(server, last(DockerCli.run(server, args.toArray(String[]::new))));
        DockerCli.run(server, "start", id);
        DockerCli.run(server, "wait", id);
        List<String> result = new ArrayList<>(DockerCli.run(server, "logs", id));
        result.addAll(DockerCli.run(server, "inspect", "-f", format, id));
        return result;
    }

    /** The last line the docker CLI wrote, trimmed: an id after dockerd's warnings. */
    protected static String last(List<String> lines) {
        return lines.get(lines.size() - 1).trim();
    }

    @AfterAll
    void stopServer() {
        made.forEach((server, ids) -> ids.forEach(id -> {
            try {
                DockerCli.run(server, "rm", "-f", id);
            } catch (RuntimeException e) {
                // gone already
            }
        }));
        if (server != null) {
            server.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
