package dev.stevedore.engine;

import dev.stevedore.engine.internal.registry.DockerCredentials;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The logins in Docker's {@code config.json}, written and removed as {@code docker login} and {@code docker logout}
 * do (a configured credential helper, else base64 {@code auths} entries). Pulls and pushes read the same file, so a
 * login here serves them with no other setup. Checking the credentials is {@link ContainerEngine#login}'s job.
 */
public final class DockerLogins {
    private final DockerCredentials credentials;

    /** The logins in {@code configDirectory/config.json} ({@link EngineSettings#dockerConfigDirectory()}). */
    public DockerLogins(Path configDirectory) {
        this.credentials = new DockerCredentials(configDirectory);
    }

    /** The file read and written. */
    public Path configFile() {
        return credentials.configFile();
    }

    /** The key docker uses for {@code serverAddress}: {@code https://index.docker.io/v1/} for Docker Hub, else {@code host[:port]}. */
    public static String key(String serverAddress) {
        return DockerCredentials.loginKey(serverAddress);
    }

    /**
     * Stores a checked login; {@code identityToken} (may be {@code null}) replaces the password when the registry issued one.
     *
     * @return the credential helper that holds it, or {@code null} when it is stored unencrypted in {@link #configFile()}
     * @throws ContainerEngineException when the file cannot be written or the helper fails
     */
    public String store(String serverAddress, String username, String password, String identityToken) {
        try {
            return credentials.store(serverAddress, username, password, identityToken);
        } catch (IOException e) {
            throw new ContainerEngineException("Cannot store the login for " + key(serverAddress) + ": " + e.getMessage()
                    + "; nothing was stored", e);
        }
    }

    /**
     * Removes the login for {@code serverAddress}, if any.
     *
     * @throws ContainerEngineException when the file cannot be written or the helper fails
     */
    public void erase(String serverAddress) {
        try {
            credentials.erase(serverAddress);
        } catch (IOException e) {
            throw new ContainerEngineException("Cannot remove the login for " + key(serverAddress) + ": " + e.getMessage(), e);
        }
    }
}
