package dev.stevedore.apitest.contract;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.internal.docker.Labels;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DockerLeftovers} finds what a JVM that ended left, of every kind, and leaves live owners' objects alone. */
class DockerLeftoversIT {
    private final Path socket = TestbedDocker.socket();

    @Test
    void objectsOfAnOwnerThatEndedAreFoundAndThoseOfALiveOneAreNot() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String gone = new Labels.Owner(Labels.hostName(), Integer.MAX_VALUE - 11, Instant.ofEpochMilli(1_000)).toString();
        String alive = Labels.Owner.current().toString();
        String image = Testbed.get().plainRegistry() + "/library/busybox:latest";
        String leftContainer = "leftover-" + suffix;
        String keptContainer = "live-" + suffix;
        try {
            docker("create", "--name", leftContainer, "--label", Labels.OWNER + "=" + gone, image, "true");
            docker("create", "--name", keptContainer, "--label", Labels.OWNER + "=" + alive, image, "true");
            docker("network", "create", "--label", Labels.OWNER + "=" + gone, "leftover-" + suffix);
            docker("volume", "create", "--label", Labels.OWNER + "=" + gone, "leftover-" + suffix);

            List<String> found = DockerLeftovers.find(socket);

            assertThat(found).contains("container " + leftContainer + " (Created) owner " + gone,
                    "network leftover-" + suffix + " owner " + gone, "volume leftover-" + suffix + " owner " + gone);
            assertThat(found).noneMatch(line -> line.contains(keptContainer));
        } finally {
            for (String container : DockerCli.run(socket, "ps", "-a", "-q", "--filter", "name=" + suffix)) {
                docker("rm", "-f", container);
            }
            DockerCli.run(socket, "network", "ls", "-q", "--filter", "name=leftover-" + suffix).forEach(n -> docker("network", "rm", n));
            DockerCli.run(socket, "volume", "ls", "-q", "--filter", "name=leftover-" + suffix).forEach(v -> docker("volume", "rm", v));
        }
    }

    private void docker(String... arguments) {
        DockerCli.run(socket, arguments);
    }
}
