package dev.stevedore.engine;

import java.nio.file.Path;

/**
 * The logins in Docker's {@code config.json}, written and removed as {@code docker login} and {@code docker logout}
 * do (a configured credential helper, else base64 {@code auths} entries). Pulls and pushes read the same file, so a
 * login here serves them with no other setup. Checking the credentials is {@link ContainerEngine#login}'s job.
 */
public interface DockerLogins {
    /** The logins in {@code configDirectory/config.json} ({@link EngineSettings#dockerConfigDirectory()}). */
    static DockerLogins of(Path configDirectory) {
        return InstalledEngineProvider.get().dockerLogins(configDirectory);
    }

    /** The file read and written. */
    Path configFile();

    /** The key docker uses for {@code serverAddress}: {@code https://index.docker.io/v1/} for Docker Hub, else {@code host[:port]}. */
    String key(String serverAddress);

    /**
     * Stores a checked login; {@code identityToken} (may be {@code null}) replaces the password when the registry issued one.
     *
     * @return the credential helper that holds it, or {@code null} when it is stored unencrypted in {@link #configFile()}
     * @throws ContainerEngineException when the file cannot be written or the helper fails; nothing is stored then
     */
    String store(String serverAddress, String username, String password, String identityToken);

    /**
     * Removes the login for {@code serverAddress}, if any.
     *
     * @throws ContainerEngineException when the file cannot be written or the helper fails
     */
    void erase(String serverAddress);
}
