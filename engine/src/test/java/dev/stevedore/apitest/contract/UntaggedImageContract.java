package dev.stevedore.apitest.contract;

import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConflictException;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.ImagesPruned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Images no tag names, as dockerd keeps them: a build without a tag and a commit without a repository make one, kept
 * by its id and listed {@link Image#dangling() dangling}; an image whose last tag goes to a newer build becomes one;
 * it runs by its id, a tag names it, {@code rmi ID} removes it by docker's conflict rules, and a prune of dangling
 * images takes it unless a container was made from it. A parent (an image another was committed from) stays under its
 * child as dockerd keeps it.
 *
 * <p>Every image made here carries a label unique to the class run, and every prune is narrowed to it: the test
 * bed's dockerd is shared, and its other dangling images are not ours to remove.
 */
public abstract class UntaggedImageContract extends EngineContract {
    private static final String IMAGE_LABEL = "dev.stevedore.contract.untagged";

    @TempDir
    Path context;

    private final String label = IMAGE_LABEL + "=" + run;

    @AfterAll
    final void removeWhatIsLeft() {
        List<Image> left = engine.images().stream().filter(i -> run.equals(i.config().labels().get(IMAGE_LABEL))).toList();
        // children first: a parent cannot go while an image made from it stays
        left.stream().sorted(Image.NEWEST_FIRST).forEach(i -> {
            if (listed(i.id()).isPresent()) {
                engine.removeImageById(i.id(), true);
            }
        });
    }

    /** Builds {@code FROM busybox} with a RUN that writes {@code content} to /made, labelled for this run. */
    private Image build(String content, ImageReference... tags) throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busyboxImage() + "\nLABEL " + label
                + "\nRUN echo " + content + " > /made\n");
        BuildSpec.Builder spec = BuildSpec.builder(context);
        for (ImageReference tag : tags) {
            spec.tag(tag);
        }
        return engine.build(spec.build(), event -> { });
    }

    private Optional<Image> listed(String id) {
        return engine.images().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    private ContainerSpec.Builder from(String image, String script) {
        return ContainerSpec.builder(image).cmd("sh", "-c", script).label(RUN_LABEL, run)
                .pullPolicy(ContainerSpec.PullPolicy.NEVER);
    }

    private static ImageReference fresh(String name) {
        return ImageReference.parse("local.test/untagged-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":1");
    }

    @Test
    void anUntaggedBuildIsListedDanglingAndRunsByItsId() throws IOException {
        Image built = build("untagged-" + run);

        assertThat(built.references()).isEmpty();
        assertThat(built.dangling()).isTrue();
        assertThat(listed(built.id())).hasValueSatisfying(image -> {
            assertThat(image.references()).isEmpty();
            assertThat(image.dangling()).isTrue();
        });
        ContainerInfo byFullId = started(from(built.id(), "cat /made"));
        ContainerInfo byHexPrefix = started(from(built.id().substring("sha256:".length(), 19), "cat /made"));
        try {
            assertThat(exited(byFullId.id()).exitCode()).isZero();
            assertThat(exited(byHexPrefix.id()).exitCode()).isZero();
            assertThat(logTexts(byFullId.id())).containsExactly("untagged-" + run);
            assertThat(logTexts(byHexPrefix.id())).containsExactly("untagged-" + run);
            assertThat(byFullId.imageId()).isEqualTo(built.id());
        } finally {
            engine.removeContainer(byFullId.id(), true);
            engine.removeContainer(byHexPrefix.id(), true);
        }

        engine.removeImageById(built.id(), false);

        assertThat(listed(built.id())).isEmpty();
    }

    @Test
    void aCommitWithoutARepositoryIsDanglingUntilATagNamesIt() {
        ContainerInfo container = started(busybox("echo committed > /committed"));
        assertThat(exited(container.id()).exitCode()).isZero();
        Image committed;
        try {
            committed = engine.commit(container.id(), CommitSpec.untagged().withChanges(List.of("LABEL " + label)));
        } finally {
            engine.removeContainer(container.id(), true);
        }
        assertThat(committed.references()).isEmpty();
        assertThat(listed(committed.id())).map(Image::dangling).contains(true);

        ImageReference name = fresh("named");
        engine.tagById(committed.id(), name);

        assertThat(engine.image(name)).map(Image::id).contains(committed.id());
        assertThat(listed(committed.id())).hasValueSatisfying(image -> {
            assertThat(image.references()).containsExactly(name);
            assertThat(image.dangling()).isFalse();
        });

        // named, it is an ordinary image again: its last tag takes it along
        engine.removeImage(name);

        assertThat(listed(committed.id())).isEmpty();
    }

    @Test
    void anImageWhoseTagGoesToANewerBuildIsDanglingAndPruned() throws IOException {
        ImageReference tag = fresh("moved");
        Image first = build("first-" + run, tag);
        Image second = build("second-" + run, tag);
        assertThat(second.id()).isNotEqualTo(first.id());

        assertThat(listed(first.id())).map(Image::dangling).contains(true);
        assertThat(engine.image(tag)).map(Image::id).contains(second.id());

        ImagesPruned pruned = engine.pruneImages(false, List.of(label));

        assertThat(pruned.deleted()).contains(first.id()).doesNotContain(second.id());
        assertThat(pruned.untagged()).isEmpty();
        assertThat(listed(first.id())).isEmpty();
        assertThat(engine.image(tag)).map(Image::id).contains(second.id());
        engine.removeImage(tag);
    }

    @Test
    void pruneKeepsADanglingImageAContainerWasMadeFrom() throws IOException {
        Image built = build("used-" + run);
        ContainerInfo user = engine.createContainer(from(built.id(), "true").build());
        try {
            ImagesPruned pruned = engine.pruneImages(false, List.of(label));

            assertThat(pruned.deleted()).doesNotContain(built.id());
            assertThat(listed(built.id())).isPresent();
        } finally {
            engine.removeContainer(user.id(), true);
        }
        assertThat(engine.pruneImages(false, List.of(label)).deleted()).contains(built.id());
        assertThat(listed(built.id())).isEmpty();
    }

    @Test
    void removalByIdFollowsDockersConflictRules() throws IOException {
        Image built = build("conflicts-" + run);
        ContainerInfo stopped = engine.createContainer(from(built.id(), "true").build());
        try {
            assertThatThrownBy(() -> engine.removeImageById(built.id(), false))
                    .isInstanceOfSatisfying(ImageConflictException.class, e -> assertThat(e.forceable()).isTrue());
            ContainerInfo running = started(from(built.id(), "sleep 600"));
            try {
                assertThatThrownBy(() -> engine.removeImageById(built.id(), true))
                        .isInstanceOfSatisfying(ImageConflictException.class, e -> assertThat(e.forceable()).isFalse());
            } finally {
                engine.removeContainer(running.id(), true);
            }
        } finally {
            engine.removeContainer(stopped.id(), true);
        }
        ImageReference one = fresh("one");
        ImageReference other = fresh("other");
        engine.tagById(built.id(), one);
        engine.tagById(built.id(), other);

        assertThatThrownBy(() -> engine.removeImageById(built.id(), false)).isInstanceOf(ImageConflictException.class);
        assertThat(engine.image(one)).isPresent();

        engine.removeImageById(built.id().substring("sha256:".length(), 19), true);

        assertThat(engine.image(one)).isEmpty();
        assertThat(engine.image(other)).isEmpty();
        assertThat(listed(built.id())).isEmpty();
    }

    @Test
    void aParentImageStaysWhileAnImageMadeFromItDoes() {
        ImageReference parentName = fresh("parent");
        ImageReference childName = fresh("child");
        Image parent = committed(busybox("echo parent > /parent"), parentName);
        Image child = committed(from(parent.id(), "echo child > /child"), childName);
        assertThat(child.parent()).isEqualTo(parent.id());
        String refused = "conflict: unable to delete " + parent.id().substring(7, 19)
                + " (cannot be forced) - image has dependent child images";

        assertThatThrownBy(() -> engine.removeImageById(parent.id(), true)).isInstanceOfSatisfying(
                ImageConflictException.class, e -> {
                    assertThat(e.getMessage()).contains(refused);
                    assertThat(e.forceable()).isFalse();
                });
        assertThat(engine.image(parentName)).map(Image::id).contains(parent.id());

        // a name of the parent goes while another names it, and its last name too: the image stays, dangling
        ImageReference otherName = fresh("parent-other");
        engine.tag(parentName, otherName);
        engine.removeImage(otherName);
        assertThat(engine.image(parentName)).map(Image::id).contains(parent.id());
        engine.removeImage(parentName);
        assertThat(engine.image(parentName)).isEmpty();
        // by its id only (dockerd's image list leaves such an intermediate image out unless asked for all)
        assertThat(engine.historyById(parent.id())).isNotEmpty();

        // a prune of dangling images leaves it: only images nothing stands on go
        assertThat(engine.pruneImages(false, List.of(label)).deleted()).doesNotContain(parent.id());
        assertThat(engine.historyById(parent.id())).isNotEmpty();

        // the child's removal takes the dangling parent along, as docker rmi does
        engine.removeImage(childName);
        assertThat(listed(child.id())).isEmpty();
        assertThatThrownBy(() -> engine.historyById(parent.id())).isInstanceOf(ImageNotFoundException.class);
    }

    /** Commits a container that runs {@code script} as {@code name}, labelled for this run, and removes the container. */
    private Image committed(ContainerSpec.Builder spec, ImageReference name) {
        ContainerInfo container = started(spec);
        assertThat(exited(container.id()).exitCode()).isZero();
        try {
            return engine.commit(container.id(), CommitSpec.to(name).withChanges(List.of("LABEL " + label)));
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }
}
