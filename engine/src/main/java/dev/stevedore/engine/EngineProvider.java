package dev.stevedore.engine;

import java.util.Map;

/**
 * How {@link ContainerEngine#detect}, {@link ContainerEngine#embedded} and {@link ContainerEngine#docker} reach
 * the engines, which live in the engine jar's internal packages: found once per JVM through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.stevedore.engine.EngineProvider}), so that this
 * API package names none of its implementations. The engine jar registers the one implementation; a shaded jar
 * must merge service files (the Maven Shade plugin's {@code ServicesResourceTransformer}).
 *
 * <p>For the engine itself: users call {@link ContainerEngine}'s factories, never this.
 */
public interface EngineProvider {
    /** Opens the engine {@link ContainerEngine#detect(EngineSettings, Map)} describes. */
    ContainerEngine detect(EngineSettings settings, Map<String, String> overrides);

    /** Opens the embedded engine, as {@link ContainerEngine#embedded} describes. */
    ContainerEngine embedded(EngineSettings settings);

    /** Opens a Docker Engine API client, as {@link ContainerEngine#docker} describes. */
    ContainerEngine docker(EngineSettings settings);

    /** The logins of a Docker configuration directory, as {@link DockerLogins#of} describes. */
    DockerLogins dockerLogins(java.nio.file.Path configDirectory);
}
