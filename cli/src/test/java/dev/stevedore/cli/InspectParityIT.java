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
    void imagesAreDocumentedAsDockerdDocumentsThem() throws Exception {
        String tag = "local.test/inspect-parity-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
        java.nio.file.Path context = java.nio.file.Files.createDirectories(scratch.resolve("context"));
        java.nio.file.Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\n"
                + "LABEL org.example.k=v\nENV A=1 B=\"two words\"\nEXPOSE 8080/tcp 53/udp\nUSER 1000:1000\n"
                + "WORKDIR /home/app\nVOLUME [\"/data\"]\nSTOPSIGNAL SIGINT\nHEALTHCHECK --interval=5s CMD true\n"
                + "ENTRYPOINT [\"sh\", \"-c\"]\nCMD [\"echo hi\"]\n");
        String fields = "{{json .RepoTags}} {{.Os}} {{.Architecture}} {{json .Config.Env}} {{json .Config.ExposedPorts}}"
                + " {{.Config.User}} {{.Config.WorkingDir}} {{json .Config.Volumes}} {{.Config.StopSignal}}"
                + " {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Labels}} {{json .Config.Healthcheck}}"
                + " {{json .Config.OnBuild}}";
        String baseFields = "{{json .Config.Labels}} {{json .Config.Healthcheck}} {{json .Config.ExposedPorts}}";
        try {
            stevedore("build", "-q", "-t", tag, context.toString());
            dockerResult("build", "-q", "-t", tag, context.toString());

            assertThat(stevedore("image", "inspect", "-f", fields, tag).out().strip())
                    .isEqualTo(docker("image", "inspect", "-f", fields, tag));
            stevedore("pull", "-q", busybox);
            assertThat(stevedore("image", "inspect", "-f", baseFields, busybox).out().strip())
                    .isEqualTo(docker("image", "inspect", "-f", baseFields, busybox));
        } finally {
            stevedore("rmi", tag);
            docker("rmi", tag);
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
