package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code run --platform} with the packaged CLI on the embedded engine beside the docker CLI on the test bed's dockerd:
 * the test bed's multi-platform image (linux/amd64 and linux/arm64/v8, each naming itself in {@code /platform}) is
 * pulled for the platform asked when the local one is for another, and without {@code --platform} the local one runs,
 * whatever its platform.
 */
class RunPlatformIT extends SideBySide {
    private final String multiarch = busybox.replace("/library/busybox:latest", "/library/multiarch:latest");

    @Test
    void runPullsThePlatformAskedForAndOtherwiseRunsTheLocalImage() throws Exception {
        try {
            String arm = stevedore("run", "--rm", "--platform", "linux/arm64", multiarch, "cat", "/platform").out().strip();
            assertThat(arm).contains("arm64").isEqualTo(docker("run", "--rm", "--platform", "linux/arm64", multiarch, "cat", "/platform"));

            String local = stevedore("run", "--rm", multiarch, "cat", "/platform").out().strip();
            assertThat(local).as("the local image, pulled for arm64").isEqualTo(arm)
                    .isEqualTo(docker("run", "--rm", multiarch, "cat", "/platform"));

            CliRunner.Result amd = stevedore("run", "--rm", "--platform", "linux/amd64", multiarch, "cat", "/platform");
            assertThat(amd.err()).as("pulled again, for amd64").contains("Unable to find image");
            assertThat(amd.out().strip()).contains("amd64")
                    .isEqualTo(docker("run", "--rm", "--platform", "linux/amd64", multiarch, "cat", "/platform"));
            assertThat(stevedore("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", multiarch).out().strip())
                    .isEqualTo("linux/amd64").isEqualTo(docker("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", multiarch));
        } finally {
            new PackagedCli(home, scratch).run(java.util.Map.of("STEVEDORE_ENGINE", "embedded"), "rmi", "-f", multiarch);
            TestbedDocker.run(scratch, "unix://" + LocalTestbed.load().get("DOCKER_SOCKET"), "rmi", "-f", multiarch);
        }
    }
}
