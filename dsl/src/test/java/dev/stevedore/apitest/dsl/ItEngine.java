package dev.stevedore.apitest.dsl;

import dev.stevedore.dsl.Engines;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.testbed.Testbed;

/**
 * The engine the integration tests of the DSL and of the JUnit extension run on: the JVM-wide one, as a user gets it ({@code STEVEDORE_ENGINE}
 * picks embedded or docker; the build points {@code docker.host} at the test bed's dockerd and the image mirror at
 * its registry). Fails, never skips, when the test bed is not up.
 */
public final class ItEngine {
    private ItEngine() {
    }

    /** The JVM-wide engine, after checking that the test bed it needs is up. */
    public static ContainerEngine get() {
        Testbed testbed = Testbed.get();
        String choice = System.getProperty("stevedore.engine", System.getenv().getOrDefault("STEVEDORE_ENGINE", "embedded"));
        if (choice.trim().equalsIgnoreCase("docker") && testbed.dockerSocket().isEmpty()) {
            throw new AssertionError("STEVEDORE_ENGINE=docker but the test bed's dockerd is not up: run `sudo testbed/dockerd up`");
        }
        return Engines.shared();
    }
}
