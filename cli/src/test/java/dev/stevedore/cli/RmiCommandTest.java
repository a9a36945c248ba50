package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConflictException;
import dev.stevedore.engine.ImageReference;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RmiCommandTest {
    private final Image postgres = InMemoryEngine.image("postgres", Instant.parse("2025-05-29T12:00:00Z"), 3_000, 4_000);
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000);
    private final InMemoryEngine engine = new RemovingById()
            .store("busybox:latest", busybox)
            .store("postgres:15", postgres)
            .store("postgres:15.4", postgres);

    /** Removal by id with docker's rule for references: several repositories need force, one repository's tags not. */
    private static class RemovingById extends InMemoryEngine {
        @Override
        public void removeImageById(String id, boolean force) {
            Image image = images().stream().filter(i -> i.id().startsWith(id)).findFirst().orElseThrow();
            if (!force && image.references().stream().map(ImageReference::repository).distinct().count() > 1) {
                throw new ImageConflictException("conflict: unable to delete " + Ids.shortId(image.id())
                        + " (must be forced) - image is referenced in multiple repositories", image.id(), true);
            }
            image.references().forEach(this::removeImage);
        }
    }
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void untagsAndDeletesTheLastReference() {
        CliRunner.Result result = cli.run("rmi", "busybox");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly(
                "Untagged: busybox:latest",
                "Deleted: " + busybox.id(),
                "Deleted: " + busybox.layers().get(0));
        assertThat(engine.image(ImageReference.parse("busybox"))).isEmpty();
    }

    @Test
    void onlyUntagsWhileAnotherReferenceRemains() {
        CliRunner.Result result = cli.run("rmi", "postgres:15");

        assertThat(result.outLines()).containsExactly("Untagged: postgres:15");
        assertThat(engine.image(ImageReference.parse("postgres:15.4"))).isPresent();
    }

    @Test
    void goesOnPastUnknownImagesAndExitsOne() {
        CliRunner.Result result = cli.run("rmi", "nope:1", "busybox");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("stevedore: removing image nope:1 failed: no such image (docker.io/library/nope:1)")
                .contains("'stevedore images'");
        assertThat(result.outLines()).contains("Untagged: busybox:latest");
    }

    @Test
    void removesByUniqueIdPrefix() {
        CliRunner.Result result = cli.run("rmi", Ids.shortId(busybox.id()));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).startsWith("Untagged: busybox:latest", "Deleted: " + busybox.id());
    }

    @Test
    void removesEveryTagOfOneRepositoryById() {
        CliRunner.Result result = cli.run("rmi", Ids.shortId(postgres.id()));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly(
                "Untagged: postgres:15", "Untagged: postgres:15.4", "Deleted: " + postgres.id(),
                "Deleted: " + postgres.layers().get(0), "Deleted: " + postgres.layers().get(1));
    }

    @Test
    void refusesAnIdOfSeveralRepositoriesUnlessForced() {
        engine.store("mirror/postgres:15", postgres);
        CliRunner.Result refused = cli.run("rmi", Ids.shortId(postgres.id()));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("referenced in multiple repositories");
        assertThat(engine.image(ImageReference.parse("postgres:15"))).isPresent();

        CliRunner.Result forced = cli.run("rmi", "-f", postgres.id());

        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(forced.outLines()).contains("Untagged: postgres:15", "Untagged: mirror/postgres:15",
                "Deleted: " + postgres.id());
    }

    @Test
    void needsAtLeastOneImage() {
        CliRunner.Result result = cli.run("rmi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required parameter", "IMAGE");
    }
}
