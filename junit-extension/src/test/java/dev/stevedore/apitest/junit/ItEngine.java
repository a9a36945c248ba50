package dev.stevedore.apitest.junit;

import dev.stevedore.dsl.Engines;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.testbed.Testbed;

/**
 * The engine the extension's integration tests run on: the JVM-wide one the extension itself uses
 * ({@code STEVEDORE_ENGINE}; the build points {@code docker.host} at the test bed's dockerd and the image mirror at
 * its registry). Fails, never skips, when the test bed is not up.
 */
final class ItEngine {
    private ItEngine() {
    }

    static ContainerEngine get() {
        Testbed testbed = Testbed.get();
        String choice = System.getProperty("stevedore.engine", System.getenv().getOrDefault("STEVEDORE_ENGINE", "embedded"));
        if (choice.trim().equalsIgnoreCase("docker") && testbed.dockerSocket().isEmpty()) {
            throw new AssertionError("STEVEDORE_ENGINE=docker but the test bed's dockerd is not up: run `sudo testbed/dockerd up`");
        }
        return Engines.shared();
    }
}
