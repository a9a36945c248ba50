package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineProvider;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.embedded.EmbeddedEngine;
import java.util.Map;

/**
 * The engine jar's {@link EngineProvider} (registered in {@code META-INF/services}): the embedded engine, the Docker
 * client, and {@link EngineSelection}'s choice between them. It sits beside the selection, which already knows both.
 */
public final class BuiltInEngines implements EngineProvider {
    @Override
    public ContainerEngine detect(EngineSettings settings, Map<String, String> overrides) {
        return EngineSelection.open(settings, overrides);
    }

    @Override
    public ContainerEngine embedded(EngineSettings settings) {
        return EmbeddedEngine.open(settings);
    }

    @Override
    public ContainerEngine docker(EngineSettings settings) {
        return DockerEngine.open(settings);
    }

    @Override
    public dev.stevedore.engine.DockerLogins dockerLogins(java.nio.file.Path configDirectory) {
        return new dev.stevedore.engine.internal.registry.ConfigFileLogins(configDirectory);
    }
}
