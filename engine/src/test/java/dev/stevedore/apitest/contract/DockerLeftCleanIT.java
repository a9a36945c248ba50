package dev.stevedore.apitest.contract;

import org.junit.jupiter.api.Test;

/**
 * The final check of a module's Docker tests, run by a Failsafe execution of its own after the others (their JVMs have
 * ended by then): nothing Stevedore made is left in the test bed's dockerd ({@link DockerLeftovers}).
 */
class DockerLeftCleanIT {
    @Test
    void nothingStevedoreMadeIsLeftInDockerd() {
        DockerLeftovers.assertNone();
    }
}
