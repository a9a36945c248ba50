package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code inspect} prints the documents dockerd prints: the same create commands on the embedded engine (the packaged
 * CLI) and on the test bed's dockerd (the docker CLI), the same fields read through the same Go templates. The CLI's
 * documents are serve's ({@code DockerDocuments}), so this also holds serve's shapes to dockerd's.
 */
class InspectParityIT extends SideBySide {
    private static final String CONTAINER_FIELDS = "{{json .Path}} {{json .Args}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}"
            + " {{json .Config.ExposedPorts}} {{.Config.Tty}} {{.Config.OpenStdin}} {{.Config.AttachStdin}} {{json .Config.Labels}}"
            + " {{.State.Status}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.AutoRemove}} {{.RestartCount}}";

    @Test
    void containersAreDocumentedAsDockerdDocumentsThem() throws Exception {
        String name = "inspect-parity-" + UUID.randomUUID().toString().substring(0, 8);
        String[][] creates = {
                {"create", "--name", name, "--entrypoint", "sh", busybox},
                {"create", "--name", name, "-t", "--expose", "80", "-l", "team=a", "--restart", "on-failure:2", busybox, "top"},
        };
        for (String[] create : creates) {
            try {
                stevedore(create);
                docker(create);

                assertThat(stevedore("inspect", "-f", CONTAINER_FIELDS, name).out().strip()).as(String.join(" ", create))
                        .isEqualTo(docker("inspect", "-f", CONTAINER_FIELDS, name));
            } finally {
                removeBoth(name);
            }
        }
    }

    @Test
    void networksAndVolumesAreDocumentedAsDockerdDocumentsThem() throws Exception {
        String name = "inspect-parity-" + UUID.randomUUID().toString().substring(0, 8);
        String networkFields = "{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}} {{.Attachable}} {{.EnableIPv6}} {{.IPAM.Driver}}"
                + " {{len .Containers}} {{json .Options}}";
        String volumeFields = "{{.Name}} {{.Driver}} {{.Scope}} {{json .Options}}";
        try {
            stevedore("network", "create", "--internal", name);
            docker("network", "create", "--internal", name);
            stevedore("volume", "create", name);
            docker("volume", "create", name);

            assertThat(stevedore("network", "inspect", "-f", networkFields, name).out().strip())
                    .isEqualTo(docker("network", "inspect", "-f", networkFields, name));
            assertThat(stevedore("volume", "inspect", "-f", volumeFields, name).out().strip())
                    .isEqualTo(docker("volume", "inspect", "-f", volumeFields, name));
        } finally {
            stevedore("network", "rm", name);
            docker("network", "rm", name);
            stevedore("volume", "rm", name);
            docker("volume", "rm", name);
        }
    }
}
