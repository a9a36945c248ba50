package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageHistory;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PushOptions;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.PushProgress.Phase;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Image tag, save and push: a tag names the same image and removing one tag keeps the image while another names
 * it; an image saved and removed loads back with the same id and runs; a pushed image is pulled back by the digest
 * the push returned; pushing it again uploads no blob; a missing image is an {@link ImageNotFoundException} for
 * each of them.
 *
 * <p>Runs on both engines and through {@code stevedore serve} ({@code EmbeddedImageContractIT},
 * {@code DockerImageContractIT}, {@code ServeImageContractIT}). Pushes go to fresh repositories of the test bed's
 * plain registry; every local reference a test makes is removed again, and the test bed's own images are left
 * untouched (the Docker backend shares its daemon with other tests).
 */
public abstract class ImageContract extends EngineContract {
    @TempDir
    Path files;

    private final List<ImageReference> made = new ArrayList<>();
    private Image busybox;

    @BeforeAll
    final void pullBusybox() {
        busybox = engine.pull(ImageReference.parse(busyboxImage()), PullOptions.defaults());
    }

    @AfterAll
    final void removeTheReferencesMade() {
        for (ImageReference reference : made) {
            if (engine.image(reference).isPresent()) {
                engine.removeImage(reference);
            }
        }
    }

    /** A local reference no other run uses, removed after the class; {@code where}: a registry, or a local name. */
    private ImageReference fresh(String where, String tag) {
        ImageReference reference = ImageReference.parse(where + "/contract-" + UUID.randomUUID().toString().substring(0, 8)
                + "/image:" + tag);
        made.add(reference);
        return reference;
    }

    private static String registry() {
        return Testbed.get().plainRegistry();
    }

    @Test
    void tagNamesTheSameImageAndRemovingOneTagKeepsTheOther() {
        ImageReference first = fresh("local.test", "one");
        ImageReference second = fresh("local.test", "two");

        engine.tag(ImageReference.parse(busyboxImage()), first);
        engine.tag(first, second);

        Image tagged = engine.image(second).orElseThrow();
        assertThat(tagged.id()).isEqualTo(busybox.id());
        assertThat(tagged.references()).contains(first, second);
        engine.removeImage(first);
        assertThat(engine.image(first)).isEmpty();
        assertThat(engine.image(second)).map(Image::id).contains(busybox.id());
        engine.removeImage(second);
        assertThat(engine.image(second)).isEmpty();
        assertThat(engine.image(ImageReference.parse(busyboxImage()))).map(Image::id).contains(busybox.id());
    }

    @Test
    void historyListsTheStepsNewestFirstWithTheImageIdOnTheNewestOnly() {
        List<ImageHistory> history = engine.history(ImageReference.parse(busyboxImage()));

        assertThat(history).isNotEmpty();
        ImageHistory newest = history.get(0);
        assertThat(newest.id()).isEqualTo(busybox.id());
        assertThat(newest.tags()).contains(ImageReference.parse(busyboxImage()));
        // the test bed's busybox records one step per layer, written by testbed/images/oci.sh
        assertThat(history).allSatisfy(step -> assertThat(step.createdBy()).isEqualTo("stevedore testbed/images"));
        assertThat(history.subList(1, history.size())).allSatisfy(step -> {
            assertThat(step.id()).isNull();
            assertThat(step.tags()).isEmpty();
        });
        assertThat(history.stream().filter(step -> step.size() > 0).count()).isEqualTo(busybox.layers().size());
    }

    @Test
    void historyOfAMissingImageIsImageNotFound() {
        ImageReference missing = ImageReference.parse("local.test/no-such-image-" + UUID.randomUUID() + ":x");

        assertThatThrownBy(() -> engine.history(missing)).isInstanceOf(ImageNotFoundException.class);
    }

    @Test
    void taggingAMissingImageIsImageNotFound() {
        ImageReference missing = ImageReference.parse("local.test/no-such-image-" + UUID.randomUUID() + ":x");

        assertThatThrownBy(() -> engine.tag(missing, fresh("local.test", "never")))
                .isInstanceOf(ImageNotFoundException.class);
    }

    @Test
    void savedImageLoadsBackWithItsIdAndRuns() throws Exception {
        ImageReference saved = fresh("local.test", "saved");
        engine.tag(ImageReference.parse(busyboxImage()), saved);
        Path archive = files.resolve("saved.tar");
        try (var out = Files.newOutputStream(archive)) {
            engine.save(List.of(saved), out);
        }
        engine.removeImage(saved);
        assertThat(engine.image(saved)).isEmpty();

        List<Image> loaded = engine.load(archive);

        assertThat(loaded).extracting(Image::id).containsExactly(busybox.id());
        // the busybox name it also has here is not one the archive gave it (docker load prints only the archive's)
        assertThat(loaded.get(0).references()).containsExactly(saved);
        assertThat(engine.image(saved)).map(Image::id).contains(busybox.id());
        ContainerInfo container = started(dev.stevedore.engine.ContainerSpec.builder(saved.toString())
                .pullPolicy(dev.stevedore.engine.ContainerSpec.PullPolicy.NEVER)
                .cmd("sh", "-c", "echo loaded-$((6*7))").label(RUN_LABEL, run));
        assertThat(exited(container.id()).exitCode()).isZero();
        assertThat(logTexts(container.id())).containsExactly("loaded-42");
        engine.removeContainer(container.id(), true);
    }

    @Test
    void savingAMissingImageIsImageNotFoundAndWritesNothing() {
        ImageReference missing = ImageReference.parse("local.test/no-such-image-" + UUID.randomUUID() + ":x");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> engine.save(List.of(ImageReference.parse(busyboxImage()), missing), out))
                .isInstanceOf(ImageNotFoundException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void pushedImageIsPulledBackByItsDigest() {
        ImageReference pushed = fresh(registry(), "v1");
        engine.tag(ImageReference.parse(busyboxImage()), pushed);
        List<PushProgress> events = new CopyOnWriteArrayList<>();

        String digest = engine.push(pushed, new PushOptions(events::add));

        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(events).extracting(PushProgress::phase).contains(Phase.PREPARING).endsWith(Phase.COMPLETE);
        assertThat(events).filteredOn(e -> e.phase() != Phase.COMPLETE && e.phase() != Phase.PREPARING
                && e.phase() != Phase.PUSHING).isNotEmpty();
        engine.removeImage(pushed);
        ImageReference byDigest = new ImageReference(pushed.registry(), pushed.repository(), null, digest);
        Image pulled = engine.pull(byDigest, PullOptions.defaults());
        assertThat(pulled.id()).isEqualTo(busybox.id());
        made.add(byDigest);
    }

    @Test
    void pushingWhatTheRegistryHasUploadsNoBlob() {
        ImageReference pushed = fresh(registry(), "again");
        engine.tag(ImageReference.parse(busyboxImage()), pushed);
        String first = engine.push(pushed, PushOptions.defaults());
        List<PushProgress> events = new CopyOnWriteArrayList<>();

        String second = engine.push(pushed, new PushOptions(events::add));

        assertThat(second).isEqualTo(first);
        assertThat(events).extracting(PushProgress::phase).doesNotContain(Phase.PUSHING, Phase.PUSHED, Phase.MOUNTED)
                .contains(Phase.ALREADY_EXISTS);
    }

    @Test
    void pushingAMissingImageIsImageNotFound() {
        ImageReference missing = ImageReference.parse(registry() + "/no-such-image-" + UUID.randomUUID().toString().substring(0, 8) + ":x");

        assertThatThrownBy(() -> engine.push(missing, PushOptions.defaults()))
                .isInstanceOf(ImageNotFoundException.class);
    }
}
