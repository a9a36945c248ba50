package dev.stevedore.engine.internal.embedded;

import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;

/**
 * {@link KeptRestartIT} as an ordinary user (the engine's rootless Failsafe execution): the child JVM, the watchers
 * and the JVMs that restart the container are the user's, and each restarting JVM joins the user's namespaces as a
 * CLI command does.
 */
class RootlessKeptRestartIT extends KeptRestartIT {
    @BeforeEach
    void asAnOrdinaryUser() throws IOException {
        KeptChildren.assertOrdinaryUser();
    }
}
