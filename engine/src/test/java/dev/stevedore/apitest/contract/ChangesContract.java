package dev.stevedore.apitest.contract;

import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageHistory;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.FileChange;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a container changed in its file system ({@code docker diff}), its file system as a tar ({@code docker export})
 * and an image made of it ({@code docker commit}): the same on every engine, dockerd's being the reference.
 */
public abstract class ChangesContract extends EngineContract {

    @Test
    void diffListsAdditionsModificationsAndDeletionsWithTheirParentsAsDockerDoes() {
        ContainerInfo container = started(busybox(
                "echo extra >> /etc/passwd && rm /etc/group && mkdir -p /tmp/made/deeper && echo new > /tmp/made/deeper/file"));
        assertThat(exited(container.id()).exitCode()).isZero();

        List<String> lines = engine.changes(container.id()).stream().map(FileChange::toString).toList();

        // dockerd's order is its directories' read order (a map's, even): only the set is the contract
        assertThat(lines).containsExactlyInAnyOrder("C /etc", "D /etc/group", "C /etc/passwd", "C /tmp", "A /tmp/made",
                "A /tmp/made/deeper", "A /tmp/made/deeper/file");
    }

    @Test
    void aVolumesMountPointIsAnAdditionButWhatIsWrittenInItIsNot() {
        String volume = uniqueName("changes-volume");
        engine.createVolume(VolumeSpec.named(volume));
        try {
            ContainerInfo container = started(busybox("echo in-volume > /data/file").mount(Mount.volume(volume, "/data", false)));
            try {
                assertThat(exited(container.id()).exitCode()).isZero();

                // the mount point is made in the container's layer (by runc on dockerd); the volume's content is not
                assertThat(engine.changes(container.id())).containsExactly(new FileChange("/data", FileChange.Kind.ADDED));
            } finally {
                engine.removeContainer(container.id(), true);
            }
        } finally {
            engine.removeVolume(volume, true);
        }
    }

    @Test
    void diffOfARunningContainerSeesWhatAnExecWrote() {
        ContainerInfo container = started(busybox("sleep 3600"));
        try {
            assertThat(engine.exec(container.id(), ExecSpec.of("sh", "-c", "echo live > /live.txt")).exitCode()).isZero();

            assertThat(engine.changes(container.id())).containsExactly(new FileChange("/live.txt", FileChange.Kind.ADDED));
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }

    /**
     * Below a directory private to another user of the container (mode 0700, owner 1000): diff and export see into it
     * as dockerd does — rootless too, where the engine's own user is shut out and the reading is done inside the
     * user's namespace.
     */
    @Test
    void diffAndExportSeeIntoADirectoryPrivateToAnotherUser() throws IOException {
        ContainerInfo container = started(busybox(
                "mkdir -p /priv/sub && echo x > /priv/sub/f && chown -R 1000:1000 /priv && chmod 700 /priv /priv/sub"));
        try {
            assertThat(exited(container.id()).exitCode()).isZero();

            assertThat(engine.changes(container.id())).contains(new FileChange("/priv/sub/f", FileChange.Kind.ADDED));
            assertThat(CopyContract.untar(engine.export(container.id()))).containsEntry("priv/sub/f", "x\n");
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }

    @Test
    void exportHoldsTheImageAndWhatTheContainerWroteNamedFromTheRoot() throws IOException {
        ContainerInfo container = started(busybox("echo exported > /tmp/made.txt"));
        assertThat(exited(container.id()).exitCode()).isZero();

        Map<String, String> members = CopyContract.untar(engine.export(container.id()));

        assertThat(members).containsEntry("tmp/made.txt", "exported\n").containsKey("bin/busybox").containsKey("etc/passwd");
        assertThat(members.keySet()).noneMatch(name -> name.startsWith("./") || name.startsWith("/"));
    }

    @Test
    void exportOfARunningContainerLeavesOutTheContentOfItsVolumes() throws IOException {
        String volume = uniqueName("export-volume");
        engine.createVolume(VolumeSpec.named(volume));
        try {
            ContainerInfo container = started(busybox("echo in-volume > /data/file; echo in-root > /root-file; sleep 3600")
                    .mount(Mount.volume(volume, "/data", false)));
            try {
                assertThat(engine.exec(container.id(), ExecSpec.of("sh", "-c", "cat /root-file /data/file")).stdout())
                        .isEqualTo("in-root\nin-volume\n");

                Map<String, String> members = CopyContract.untar(engine.export(container.id()));

                assertThat(members).containsEntry("root-file", "in-root\n").containsKey("data").doesNotContainKey("data/file");
            } finally {
                engine.removeContainer(container.id(), true);
            }
        } finally {
            engine.removeVolume(volume, true);
        }
    }

    @Test
    void aCommittedImageRunsWithTheFileItsChangesAndItsHistoryEntry() {
        // a directory of another user, private to it: its owner is the container's 1000 in the layer, rootless too
        String script = "echo committed > /committed.txt; mkdir /priv; chown 1000:1000 /priv; chmod 700 /priv";
        ContainerInfo container = started(busybox(script));
        assertThat(exited(container.id()).exitCode()).isZero();
        ImageReference reference = ImageReference.parse("local.test/commit-" + run.substring(0, 8) + ":v1");
        try {
            Image image = engine.commit(container.id(), CommitSpec.to(reference).withComment("a contract commit")
                    .withAuthor("contract <contract@example.org>")
                    .withChanges(List.of("CMD [\"sh\", \"-c\", \"cat /committed.txt; echo $COMMITTED; stat -c '%u:%g %a %n' "
                            + "/committed.txt /priv\"]", "ENV COMMITTED=yes")));

            assertThat(image.references()).contains(reference);
            assertThat(engine.image(reference).orElseThrow().author()).isEqualTo("contract <contract@example.org>");
            ContainerInfo fromImage = started(ContainerSpec.builder(reference.toString()).label(RUN_LABEL, run)
                    .pullPolicy(ContainerSpec.PullPolicy.NEVER));
            assertThat(exited(fromImage.id()).exitCode()).isZero();
            assertThat(logTexts(fromImage.id())).containsExactly("committed", "yes", "0:0 644 /committed.txt", "1000:1000 700 /priv");
            ImageHistory newest = engine.history(reference).get(0);
            assertThat(newest.comment()).isEqualTo("a contract commit");
            assertThat(newest.createdBy()).isEqualTo("sh -c " + script);
            assertThat(newest.size()).isPositive();
            assertThat(engine.history(reference)).hasSize(engine.history(ImageReference.parse(busyboxImage())).size() + 1);
            // dockerd's commit names the container's image as the parent, and history gives the row below its id
            String busyboxId = engine.image(ImageReference.parse(busyboxImage())).orElseThrow().id();
            assertThat(engine.image(reference).orElseThrow().parent()).isEqualTo(busyboxId);
            assertThat(engine.history(reference).get(1).id()).isEqualTo(busyboxId);
            engine.removeContainer(fromImage.id(), true);
        } finally {
            engine.removeContainer(container.id(), true);
            engine.removeImage(reference);
        }
    }

    /** As dockerd's init layer: in the container and in its export, never a change, so no commit carries it. */
    @Test
    void everyContainerHasAnEmptyDockerenvThatIsNoChange() throws IOException {
        ContainerInfo container = started(busybox("sleep 3600"));
        ImageReference reference = ImageReference.parse("local.test/dockerenv-" + run.substring(0, 8) + ":v1");
        try {
            assertThat(engine.exec(container.id(), ExecSpec.of("sh", "-c", "test -f /.dockerenv && stat -c '%s %a %u %g' /.dockerenv"))
                    .stdout()).isEqualTo("0 755 0 0\n");
            assertThat(engine.changes(container.id())).isEmpty();
            assertThat(CopyContract.untar(engine.export(container.id()))).containsEntry(".dockerenv", "");

            engine.commit(container.id(), CommitSpec.to(reference));

            assertThat(engine.history(reference).get(0).size()).as("the committed layer's size: nothing changed").isZero();
        } finally {
            engine.removeContainer(container.id(), true);
            engine.removeImage(reference);
        }
    }

    @Test
    void aRunningContainerIsCommittedAndKeepsRunning() {
        ContainerInfo container = started(busybox("sleep 3600"));
        ImageReference reference = ImageReference.parse("local.test/commit-running-" + run.substring(0, 8) + ":v1");
        try {
            assertThat(engine.exec(container.id(), ExecSpec.of("sh", "-c", "echo live > /live.txt")).exitCode()).isZero();

            engine.commit(container.id(), CommitSpec.to(reference));

            assertThat(engine.inspectContainer(container.id()).state().running()).isTrue();
            assertThat(engine.inspectContainer(container.id()).state().paused()).isFalse();
            ContainerInfo fromImage = started(ContainerSpec.builder(reference.toString()).label(RUN_LABEL, run)
                    .pullPolicy(ContainerSpec.PullPolicy.NEVER).cmd("cat", "/live.txt"));
            assertThat(exited(fromImage.id()).exitCode()).isZero();
            assertThat(logTexts(fromImage.id())).containsExactly("live");
            engine.removeContainer(fromImage.id(), true);
        } finally {
            engine.removeContainer(container.id(), true);
            engine.removeImage(reference);
        }
    }

    @Test
    void aChangeCommitCannotApplyIsRefusedByName() {
        ContainerInfo container = started(busybox("true"));
        exited(container.id());
        ImageReference reference = ImageReference.parse("local.test/commit-refused-" + run.substring(0, 8) + ":v1");

        assertThatThrownBy(() -> engine.commit(container.id(), CommitSpec.to(reference).withChanges(List.of("RUN echo no"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run is not a valid change command");
        assertThat(engine.image(reference)).isEmpty();
        engine.removeContainer(container.id(), true);
    }

    @Test
    void diffAndExportOfAMissingContainerAreNotFound() {
        String nobody = uniqueName("no-such-container");

        assertThatThrownBy(() -> engine.changes(nobody)).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.export(nobody).close()).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.commit(nobody, CommitSpec.to("local.test/never:v1")))
                .isInstanceOf(ContainerNotFoundException.class);
    }
}
