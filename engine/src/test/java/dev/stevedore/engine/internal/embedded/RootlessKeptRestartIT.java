package dev.stevedore.engine.internal.embedded;

import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KeptRestartIT} as an ordinary user (the engine's rootless Failsafe execution): the child JVM, the watchers
 * and the JVMs that restart the container are the user's, and each restarting JVM joins the user's namespaces as a
 * CLI command does.
 */
class RootlessKeptRestartIT extends KeptRestartIT {
    @BeforeEach
    void asAnOrdinaryUser() throws IOException {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("Uid:"))
                .findFirst().orElseThrow().substring(4).strip().split("\\s+")[1];
        assertThat(uid).as("run through the engine's rootless Failsafe execution (src/test/rootless/bin/java)")
                .isNotEqualTo("0");
    }
}
