package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.DockerLogins;

import java.io.IOException;
import java.nio.file.Path;

/** {@link DockerLogins} over {@link DockerCredentials}, the code that reads the same file for pulls and pushes. */
public final class ConfigFileLogins implements DockerLogins {
    private final DockerCredentials credentials;

    /** The logins in {@code configDirectory/config.json}. */
    public ConfigFileLogins(Path configDirectory) {
        this.credentials = new DockerCredentials(configDirectory);
    }

    /** The file read and written. */
    @Override
    public Path configFile() {
        return credentials.configFile();
    }

    /** The key docker uses for {@code serverAddress}: {@code https://index.docker.io/v1/} for Docker Hub, else {@code host[:port]}. */
    @Override
    public String key(String serverAddress) {
        return DockerCredentials.loginKey(serverAddress);
    }

    /**
     * Stores a checked login; {@code identityToken} (may be {@code null}) replaces the password when the registry issued one.
     *
     * @return the credential helper that holds it, or {@code null} when it is stored unencrypted in {@link #configFile()}
     * @throws ContainerEngineException when the file cannot be written or the helper fails
     */
    @Override
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
    @Override
    public void erase(String serverAddress) {
        try {
            credentials.erase(serverAddress);
        } catch (IOException e) {
            throw new ContainerEngineException("Cannot remove the login for " + key(serverAddress) + ": " + e.getMessage(), e);
        }
    }
}
