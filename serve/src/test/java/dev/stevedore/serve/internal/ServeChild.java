package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.serve.DockerApiServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code stevedore serve} does with no options, in a JVM of its own for {@link RootlessServeDockerCliIT}: the
 * embedded engine (state directory: the first argument) served on {@link DockerApiServer#defaultSocket()}. Prints
 * {@code serving SOCKET} once it listens; when its stdin ends, closes the server and then the engine, as serve does
 * on Ctrl-C, and exits.
 */
public final class ServeChild {
    private ServeChild() {
    }

    public static void main(String[] arguments) throws IOException {
        ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(Path.of(arguments[0])));
        try (engine; DockerApiServer server = DockerApiServer.start(engine, DockerApiServer.Options.unixSocket(DockerApiServer.defaultSocket()))) {
            System.out.println("serving " + server.socket().orElseThrow());
            System.out.flush();
            while (System.in.read() >= 0) {
                // the test closes stdin to stop it
            }
        }
    }
}
