package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;

import java.nio.file.Path;

/**
 * Opens a Docker engine on the socket named by the first argument and prints what happened: {@code connected}
 * or the exception's message. Run by {@link DockerPermissionIT} as an unprivileged user.
 */
public final class ConnectAsUser {
    private ConnectAsUser() {
    }

    public static void main(String[] args) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        EngineSettings settings = EngineSettings.from(name -> null).withStateDirectory(tmp).withDockerConfigDirectory(tmp);
        try (DockerEngine engine = DockerEngine.open(DockerEndpoint.unix(Path.of(args[0]), "DOCKER_HOST"), settings)) {
            System.out.println("connected");
        } catch (ContainerEngineException e) {
            System.out.println(e.getMessage());
        }
    }
}
