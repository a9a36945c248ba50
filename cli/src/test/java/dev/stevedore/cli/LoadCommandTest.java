package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadCommandTest {
    private final InMemoryEngine engine = new InMemoryEngine();
    private final CliRunner cli = new CliRunner(engine);
    @TempDir
    Path directory;

    @Test
    void printsEachLoadedReference() throws IOException {
        Path archive = Files.createFile(directory.resolve("images.tar"));
        Image busybox = InMemoryEngine.image("busybox", Instant.EPOCH, 2_000);
        engine.loadable = List.of(
                withReferences(busybox, "busybox:latest", "127.0.0.1:5000/library/busybox:1"),
                withReferences(InMemoryEngine.image("anonymous", Instant.EPOCH, 1_000)));

        CliRunner.Result result = cli.run("load", "-i", archive.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly(
                "Loaded image: busybox:latest",
                "Loaded image: 127.0.0.1:5000/library/busybox:1",
                "Loaded image ID: " + InMemoryEngine.image("anonymous", Instant.EPOCH, 1_000).id());
        assertThat(engine.loadedFrom).isEqualTo(archive);
    }

    @Test
    void takesTheArchiveAsArgumentToo() throws IOException {
        Path archive = Files.createDirectory(directory.resolve("oci-layout"));

        CliRunner.Result result = cli.run("load", archive.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(engine.loadedFrom).isEqualTo(archive);
    }

    @Test
    void missingArchiveFailsBeforeOpeningTheEngine() {
        CliRunner.Result result = cli.run("load", directory.resolve("absent.tar").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("stevedore: loading images from ").contains("absent.tar", "no such file");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void archiveGivenTwiceOrNeverIsAUsageError() {
        assertThat(cli.run("load").exitCode()).isEqualTo(2);
        CliRunner.Result twice = cli.run("load", "-i", "a.tar", "b.tar");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("either -i FILE or FILE");
    }

    private static Image withReferences(Image image, String... references) {
        return new Image(java.util.Arrays.stream(references).map(ImageReference::parse).toList(), image.id(),
                image.manifestDigest(), image.platform(), image.layers(), image.size(), image.created(), image.config());
    }
}
