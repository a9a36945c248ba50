package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;

import java.nio.file.Path;

/**
 * A child JVM for {@link DockerCleanupIT}: opens the Docker backend on the socket {@code args[0]}, runs a
 * {@code sleep} container of image {@code args[1]}, prints its id and then blocks on stdin until it is killed.
 */
public final class LeaveContainerMain {
    private LeaveContainerMain() {
    }

    public static void main(String[] args) throws Exception {
        DockerEngine engine = DockerEngine.open(DockerEndpoint.unix(Path.of(args[0]), "test bed"), EngineSettings.fromEnvironment());
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(args[1]).cmd("sleep", "600").build());
        System.out.println(info.id());
        System.out.flush();
        System.in.read();
    }
}
