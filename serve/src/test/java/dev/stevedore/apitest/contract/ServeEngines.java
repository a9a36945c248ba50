package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.serve.DockerApiServer;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.internal.docker.Labels;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the {@code Serve*ContractIT} classes: an embedded engine on a directory of the class's own, served by a
 * {@link DockerApiServer} in this JVM, and clients of it that are Stevedore's Docker backend, so the contract
 * holds the server to what it holds dockerd to. One server per class; every {@link #client()} is a new
 * Docker engine (a new session) on it.
 */
final class ServeEngines implements AutoCloseable {
    private final Path directory;
    private ContainerEngine embedded;
    private DockerApiServer server;

    ServeEngines(Path directory) {
        this.directory = directory;
    }

    /** A Docker backend client of the server, started on first use. */
    synchronized ContainerEngine client() {
        if (server == null) {
            embedded = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(directory.resolve("state")));
            server = DockerApiServer.start(embedded, DockerApiServer.Options.unixSocket(directory.resolve("docker.sock")));
        }
        return DockerEngine.open(DockerEndpoint.unix(server.socket().orElseThrow(), "stevedore serve"), EngineSettings.fromEnvironment());
    }

    /** Checks on the served engine itself that nothing of the closed client's session is left. */
    synchronized void assertNothingLeft(ContainerEngine closed) {
        String session = ((DockerEngine) closed).session().toString();
        assertThat(embedded.containers(true, Map.of(Labels.SESSION, session)))
                .as("containers of session %s left in the served engine", session).isEmpty();
        assertThat(embedded.networks()).filteredOn(n -> session.equals(n.labels().get(Labels.SESSION)))
                .as("networks of session %s left in the served engine", session).isEmpty();
        assertThat(embedded.volumes(Map.of(Labels.SESSION, session)))
                .as("volumes of session %s left in the served engine", session).isEmpty();
    }

    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close();
                assertThat(directory.resolve("docker.sock")).as("the socket after the server closed").doesNotExist();
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            server = null;
            embedded = null;
        }
    }
}
