package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stevedore tag}, {@code save} and {@code push} over the in-memory engine: arguments, output, failures. */
class TagSavePushCommandTest {
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-05-29T12:00:00Z"), 2_000_000, 3_000);
    private final InMemoryEngine engine = new InMemoryEngine().store("busybox:latest", busybox);
    private final CliRunner cli = new CliRunner(engine);
    @TempDir
    Path directory;

    @Test
    void tagFilesTheImageUnderTheNewReferenceAndPrintsNothing() {
        CliRunner.Result result = cli.run("tag", "busybox", "127.0.0.1:5000/team/box:1.0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(engine.image(ImageReference.parse("127.0.0.1:5000/team/box:1.0"))).map(Image::id).contains(busybox.id());
        assertThat(engine.image(ImageReference.parse("busybox:latest"))).isPresent();
    }

    @Test
    void tagOfAMissingImageFailsWithTheEnginesMessage() {
        CliRunner.Result result = cli.run("tag", "nothing:here", "other:tag");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("no local image", "nothing");
    }

    @Test
    void tagToADigestIsAUsageError() {
        CliRunner.Result result = cli.run("tag", "busybox", "busybox@" + busybox.manifestDigest());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("digest");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void saveWritesTheArchiveToTheFileGiven() throws IOException {
        Path archive = directory.resolve("images.tar");

        CliRunner.Result result = cli.run("save", "-o", archive.toString(), "busybox");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(Files.readString(archive, StandardCharsets.UTF_8)).isEqualTo("fake archive of [busybox:latest]\n");
        assertThat(engine.saves).containsExactly(List.of(ImageReference.parse("busybox:latest")));
        try (var left = Files.list(directory)) {
            assertThat(left).containsExactly(archive);
        }
    }

    @Test
    void failedSaveLeavesNoFile() {
        Path archive = directory.resolve("images.tar");

        CliRunner.Result result = cli.run("save", "-o", archive.toString(), "busybox", "missing:1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("missing");
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void pushShowsDockersReport() {
        CliRunner.Result result = cli.run("push", "busybox");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> lines = result.outLines();
        assertThat(lines).startsWith("Using default tag: latest", "The push refers to repository [docker.io/library/busybox]");
        for (String layer : busybox.layers()) {
            assertThat(lines).contains(Ids.shortId(layer) + ": Pushed");
        }
        assertThat(lines).last().isEqualTo("latest: digest: " + busybox.manifestDigest() + " size: 527");
        assertThat(lines).as("no line for the config blob").noneMatch(line -> line.startsWith(Ids.shortId(busybox.id())));
        assertThat(result.out()).doesNotContain("\u001b");
    }

    @Test
    void secondPushFindsEveryLayerThere() {
        cli.run("push", "busybox:latest");

        CliRunner.Result again = cli.run("push", "busybox:latest");

        assertThat(again.exitCode()).isZero();
        for (String layer : busybox.layers()) {
            assertThat(again.outLines()).contains(Ids.shortId(layer) + ": Layer already exists")
                    .doesNotContain(Ids.shortId(layer) + ": Pushed");
        }
    }

    @Test
    void quietPushPrintsOnlyTheDigest() {
        CliRunner.Result result = cli.run("push", "-q", "busybox:latest");

        assertThat(result.outLines()).containsExactly(busybox.manifestDigest());
    }

    @Test
    void pushOfAMissingImageFails() {
        CliRunner.Result result = cli.run("push", "127.0.0.1:5000/none:1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("no local image");
    }
}
