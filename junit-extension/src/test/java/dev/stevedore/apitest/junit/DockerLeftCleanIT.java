package dev.stevedore.apitest.junit;

import dev.stevedore.apitest.contract.DockerLeftovers;
import org.junit.jupiter.api.Test;

/**
 * The module's last check, run by a Failsafe execution of its own after the docker and forked runs have ended: nothing
 * Stevedore made is left in the test bed's dockerd ({@link DockerLeftovers}).
 */
class DockerLeftCleanIT {
    @Test
    void nothingStevedoreMadeIsLeftInDockerd() {
        DockerLeftovers.assertNone();
    }
}
