package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;

import java.nio.file.Path;

/** The embedded engine on a state directory of the test's own, for the {@code Embedded*ContractIT} classes. */
final class EmbeddedEngines {
    private EmbeddedEngines() {
    }

    static ContainerEngine open(Path stateDirectory) {
        return ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(stateDirectory));
    }
}
