package dev.stevedore.engine;

import java.util.Objects;

/**
 * Which engine a {@link ContainerEngine} is, where it works, why it was chosen and whether it runs rootless: what
 * {@code stevedore info} shows and what a test report may log. The embedded engine answers from this process; the
 * Docker engine asks its daemon's {@code /info} whether it runs rootless.
 *
 * @param name            {@code embedded} or {@code docker}
 * @param location        the state directory of the embedded engine, or the Docker Engine API endpoint
 *                        ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376})
 * @param version         the Docker daemon's {@code Server} header and the API version agreed with it
 *                        ({@code Docker/20.10.24 (linux), API 1.41}); {@code in-process} for the embedded engine
 * @param selectedBecause why this engine: what {@link ContainerEngine#detect} found ({@code DOCKER_HOST is set
 *                        (unix:///run/docker.sock)}), or that the caller opened it by name
 * @param rootless        whether its containers run in a user namespace of an ordinary user: the embedded engine
 *                        opened by one, or a rootless dockerd (its {@code SecurityOptions} hold {@code name=rootless})
 */
public record EngineInfo(String name, String location, String version, String selectedBecause, boolean rootless) {
    public EngineInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(selectedBecause, "selectedBecause");
    }
}
