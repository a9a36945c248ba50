package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;

/**
 * Opens the engine a command works with. The command line passes the settings it assembled from the
 * environment and its global options; tests pass a factory of their own.
 */
@FunctionalInterface
interface EngineFactory {
    /** The engine a user gets by default. */
    EngineFactory DEFAULT = ContainerEngine::embedded;

    ContainerEngine open(EngineSettings settings);
}
