package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code docker history} (#17 item 3) with the docker CLI against serve and against the test bed's dockerd in the same
 * test: the same columns, the same steps with the same CREATED BY lines (a RUN's with the build args it saw), the
 * image's id on the newest step and {@code <missing>} below, and a missing image refused by both.
 */
class ServeHistoryIT extends ServeWithDockerCli {
    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));

    @BeforeAll
    void pullOnDockerd() {
        DockerCli.run(dockerd, "pull", "-q", busybox);
    }

    @Test
    void historyShowsTheSameColumnsAndStepsAsDockerd() {
        List<String> onServe = DockerCli.run(socket, "history", busybox);
        List<String> onDockerd = DockerCli.run(dockerd, "history", busybox);

        assertThat(onServe.get(0).split("\\s{2,}")).containsExactly("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
        assertThat(onServe.get(0).split("\\s{2,}")).containsExactly(onDockerd.get(0).split("\\s{2,}"));
        assertThat(onServe).hasSameSizeAs(onDockerd);

        String format = "{{.ID}}|{{.CreatedBy}}|{{.Comment}}";
        assertThat(DockerCli.run(socket, "history", "--no-trunc", "--format", format, busybox))
                .isEqualTo(DockerCli.run(dockerd, "history", "--no-trunc", "--format", format, busybox));
    }

    @Test
    void theNewestStepCarriesTheImageIdAndTheOthersAreMissing() {
        String id = DockerCli.run(socket, "image", "inspect", "-f", "{{.Id}}", busybox).get(0);

        List<String> ids = DockerCli.run(socket, "history", "-q", "--no-trunc", busybox);

        assertThat(ids.get(0)).isEqualTo(id);
        assertThat(ids.subList(1, ids.size())).allSatisfy(step -> assertThat(step).isEqualTo("<missing>"));
        assertThat(DockerCli.run(socket, "history", "-q", busybox).get(0)).isEqualTo(id.substring("sha256:".length(), 19));
    }

    @Test
    void aBuiltImageHasTheSameCreatedByLinesAsOnDockerd(@org.junit.jupiter.api.io.TempDir Path context) throws Exception {
        java.nio.file.Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\n"
                + "ENV GREETING=hello\nRUN echo \"$GREETING\" > /greeting\nLABEL stevedore.test=history\nCMD [\"cat\", \"/greeting\"]\n");
        String tag = "local.test/history-" + UUID.randomUUID().toString().substring(0, 8) + ":built";
        String format = "{{.CreatedBy}}";
        try {
            DockerCli.run(socket, "build", "-q", "-t", tag, context.toString());
            DockerCli.run(dockerd, "build", "-q", "-t", tag, context.toString());

            List<String> onServe = DockerCli.run(socket, "history", "--no-trunc", "--format", format, tag);
            List<String> onDockerd = DockerCli.run(dockerd, "history", "--no-trunc", "--format", format, tag);

            // The test bed's dockerd builds with the classic builder, which records "/bin/sh -c #(nop)  ENV A=b" and
            // "/bin/sh -c CMD"; Stevedore's builder records steps as BuildKit does ("ENV A=b", "RUN /bin/sh -c CMD").
            assertThat(onServe).hasSize(5).isEqualTo(onDockerd.stream().map(ServeHistoryIT::asBuildKitWrites).toList());
            // each step's size as dockerd counts it: the RUN's layer holds the 6 bytes of /greeting, the rest none
            String sizes = "{{.Size}}";
            assertThat(DockerCli.run(socket, "history", "--human=false", "--format", sizes, tag))
                    .isEqualTo(DockerCli.run(dockerd, "history", "--human=false", "--format", sizes, tag));
        } finally {
            DockerCli.run(socket, "rmi", "-f", tag);
            DockerCli.run(dockerd, "rmi", "-f", tag);
        }
    }

    @Test
    void aRunRecordsTheBuildArgsItSawAsDockerdDoes(@org.junit.jupiter.api.io.TempDir Path context) throws Exception {
        // WHO from --build-arg, PLACE from its default, SHADOWED set by an ENV too (then not the build's), UNSET without
        java.nio.file.Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\n"
                + "ARG WHO\nARG PLACE=here\nARG SHADOWED=arg\nARG UNSET\nENV SHADOWED=env\n"
                + "RUN echo \"$WHO $PLACE $SHADOWED\" > /greeting\nRUN [\"cat\", \"/greeting\"]\n");
        String tag = "local.test/history-" + UUID.randomUUID().toString().substring(0, 8) + ":args";
        String format = "{{.CreatedBy}}";
        try {
            for (Path server : List.of(socket, dockerd)) {
                DockerCli.run(server, "build", "-q", "--build-arg", "WHO=hey", "-t", tag, context.toString());
            }
            List<String> onServe = DockerCli.run(socket, "history", "--no-trunc", "--format", format, tag);
            List<String> onDockerd = DockerCli.run(dockerd, "history", "--no-trunc", "--format", format, tag);

            assertThat(onServe.subList(0, 2)).containsExactly("RUN |2 PLACE=here WHO=hey cat /greeting",
                    "RUN |2 PLACE=here WHO=hey /bin/sh -c echo \"$WHO $PLACE $SHADOWED\" > /greeting");
            assertThat(onServe).isEqualTo(onDockerd.stream().map(ServeHistoryIT::asBuildKitWrites).toList());
        } finally {
            DockerCli.run(socket, "rmi", "-f", tag);
            DockerCli.run(dockerd, "rmi", "-f", tag);
        }
    }

    @Test
    void anImagesSizeIsTheUnpackedSizeDockerdShows() {
        // dockerd counts a layer unpacked (files' bytes, symlinks' targets), not its compressed blob: so must we
        assertThat(DockerCli.run(socket, "image", "inspect", "-f", "{{.Size}}", busybox))
                .isEqualTo(DockerCli.run(dockerd, "image", "inspect", "-f", "{{.Size}}", busybox));
        String format = "{{.Repository}}:{{.Tag}} {{.Size}}";
        assertThat(DockerCli.run(socket, "images", "--format", format, busybox))
                .isEqualTo(DockerCli.run(dockerd, "images", "--format", format, busybox));
        assertThat(DockerCli.run(socket, "history", "--human=false", "--format", "{{.Size}}", busybox))
                .isEqualTo(DockerCli.run(dockerd, "history", "--human=false", "--format", "{{.Size}}", busybox));
    }

    private static String asBuildKitWrites(String classic) {
        String nop = "/bin/sh -c #(nop)  ";
        if (classic.startsWith(nop)) {
            return classic.substring(nop.length());
        }
        return classic.startsWith("/bin/sh -c ") || classic.startsWith("|") ? "RUN " + classic : classic;
    }

    @Test
    void aMissingImageIsRefusedByBoth() {
        String missing = "local.test/no-such-image-" + UUID.randomUUID() + ":x";

        for (Path server : List.of(socket, dockerd)) {
            assertThatThrownBy(() -> DockerCli.run(server, "history", missing))
                    .hasMessageContaining("No such image");
        }
    }
}
