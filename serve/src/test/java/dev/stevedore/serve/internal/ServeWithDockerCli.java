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

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
