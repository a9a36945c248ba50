package dev.stevedore.engine.internal.embedded;

import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;

/**
 * {@link KeptHealthScenarios} as an ordinary user (the engine's rootless Failsafe execution): the child JVM and the
 * run's native watcher are the user's, and each check's exec joins the container's user namespace through its pidfd,
 * as the engine's exec does.
 */
class RootlessKeptHealthIT extends KeptHealthScenarios {
    @BeforeEach
    void asAnOrdinaryUser() throws IOException {
        KeptChildren.assertOrdinaryUser();
    }
}
