package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import java.util.Map;

/**
 * Opens the engine a command works with. The command line passes the settings it assembled from the
 * environment and the selection variables its global options set ({@code --engine} is {@code STEVEDORE_ENGINE},
 * {@code --host} is {@code DOCKER_HOST}); tests pass a factory of their own.
 */
@FunctionalInterface
interface EngineFactory {
    /** The engine a user gets by default: chosen as {@link ContainerEngine#detect} chooses, options first. */
    EngineFactory DEFAULT = ContainerEngine::detect;

    ContainerEngine open(EngineSettings settings, Map<String, String> overrides);
}
