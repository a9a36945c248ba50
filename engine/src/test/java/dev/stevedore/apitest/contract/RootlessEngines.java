package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded engine opened by an ordinary user, for the {@code Rootless*ContractIT} classes. They run in the
 * engine's {@code rootless} Failsafe execution, whose forked JVM runs as the test bed's ordinary user
 * ({@code src/test/rootless/bin/java}); as root they would test the rootful engine, so they refuse to.
 */
final class RootlessEngines {
    private RootlessEngines() {
    }

    static ContainerEngine open(Path stateDirectory) {
        assertThat(effectiveUid()).as("the Rootless*IT classes run as an ordinary user, through the engine's rootless "
                + "Failsafe execution (src/test/rootless/bin/java); this JVM runs as root").isNotZero();
        return ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(stateDirectory));
    }

    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }
}
