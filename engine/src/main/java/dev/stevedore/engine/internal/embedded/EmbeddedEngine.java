package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;

/** The daemonless engine: owns a state directory and does everything itself. */
public final class EmbeddedEngine {
    private EmbeddedEngine() {
    }

    public static ContainerEngine open(EngineSettings settings) {
        throw new UnsupportedOperationException("embedded engine: not yet assembled");
    }
}
