package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.testbed.Testbed;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the embedded builder does beyond Docker's classic builder: only the stages the target needs are built,
 * here-documents, {@code RUN --mount=type=cache}, {@code COPY --chmod}, reproducible digests with a source date
 * epoch; and what its layers hold: a RUN's layer is exactly what the command changed, deletions as whiteouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedBuilderIT {
    @TempDir
    static Path state;
    @TempDir
    Path dir;

    private ContainerEngine engine;

    @BeforeAll
    void open() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterAll
    void close() {
        engine.close();
    }

    private static String base() {
        return Testbed.get().plainRegistry() + "/library/busybox:latest";
    }

    private Path write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private ImageReference build(String dockerfile, BuildSpec.Builder spec) throws IOException {
        write("Dockerfile", dockerfile);
        ImageReference tag = ImageReference.parse("local.test/embedded-build-" + UUID.randomUUID().toString().substring(0, 8) + ":1");
        engine.build(spec.tag(tag).build(), e -> { });
        return tag;
    }

    private List<String> runIn(ImageReference image, String script) {
        ContainerInfo c = engine.runContainer(ContainerSpec.builder(image.toString()).entrypoint("sh", "-c", script)
                .pullPolicy(ContainerSpec.PullPolicy.NEVER).build());
        int exit = engine.waitContainer(c.id(), Duration.ofSeconds(30)).exitCode();
        List<String> lines;
        try (ContainerLogs logs = engine.logs(c.id(), LogOptions.all())) {
            lines = logs.lines().map(LogLine::text).toList();
        }
        assertThat(exit).as("exit of %s, which printed %s", script, lines).isZero();
        engine.removeContainer(c.id(), true);
        return lines;
    }

    /** The entry names of the image's top layer, read from a {@code save} of it. */
    private List<String> topLayer(ImageReference image) throws IOException {
        Image built = engine.image(image).orElseThrow();
        String blob = "blobs/sha256/" + built.layers().get(built.layers().size() - 1).substring("sha256:".length());
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        engine.save(List.of(image), saved);
        try (TarArchiveInputStream archive = new TarArchiveInputStream(new ByteArrayInputStream(saved.toByteArray()))) {
            TarArchiveEntry entry;
            while ((entry = archive.getNextEntry()) != null) {
                if (entry.getName().equals(blob)) {
                    List<String> names = new ArrayList<>();
                    TarArchiveInputStream layer = new TarArchiveInputStream(archive);
                    TarArchiveEntry inner;
                    while ((inner = layer.getNextEntry()) != null) {
                        names.add(inner.getName());
                    }
                    return names;
                }
            }
        }
        throw new AssertionError("no " + blob + " in the saved archive");
    }

    @Test
    void aRunLayerHoldsWhatTheCommandChangedWithDeletionsAsWhiteouts() throws IOException {
        ImageReference image = build("FROM " + base() + "\nRUN rm -r /home && echo x > /x && mkdir -p /var/made\n", BuildSpec.builder(dir));

        assertThat(topLayer(image)).containsExactlyInAnyOrder(".wh.home", "x", "var/", "var/made/");
        assertThat(runIn(image, "cat /x; ls -d /home 2>&1 || true")).containsExactly("x", "ls: /home: No such file or directory");
    }

    @Test
    void onlyTheStagesTheTargetNeedsAreBuilt() throws IOException {
        ImageReference image = build("""
                FROM %1$s AS broken
                RUN echo not needed && exit 1
                FROM %1$s AS ok
                RUN echo ok > /ok
                """.formatted(base()), BuildSpec.builder(dir));

        assertThat(runIn(image, "cat /ok")).containsExactly("ok");
    }

    @Test
    void heredocsRunScriptsAndWriteFiles() throws IOException {
        ImageReference image = build("""
                FROM %s
                ARG NAME=world
                RUN <<EOF
                echo "hello $NAME" > /greeting
                mkdir -p /made
                EOF
                COPY <<EOF /etc/app.conf
                name=${NAME}
                EOF
                RUN cat > /script.sh <<'EOS'
                echo $HOME
                EOS
                """.formatted(base()), BuildSpec.builder(dir).buildArg("NAME", "heredoc"));

        assertThat(runIn(image, "cat /greeting /etc/app.conf /script.sh; ls -d /made"))
                .containsExactly("hello heredoc", "name=heredoc", "echo $HOME", "/made");
    }

    @Test
    void aCacheMountKeepsItsFilesBetweenBuildsAndOutOfTheImage() throws IOException {
        String id = UUID.randomUUID().toString();
        String dockerfile = "FROM %s\nRUN --mount=type=cache,target=/cache,id=%s echo run >> /cache/runs && wc -l < /cache/runs > /seen\n"
                .formatted(base(), id);

        ImageReference first = build(dockerfile, BuildSpec.builder(dir));
        ImageReference second = build(dockerfile, BuildSpec.builder(dir).noCache(true));

        assertThat(runIn(first, "cat /seen; ls /cache | wc -l")).containsExactly("1", "0");
        assertThat(runIn(second, "cat /seen")).containsExactly("2");
    }

    @Test
    void aSourceDateEpochMakesEqualInputsGiveEqualDigests() throws IOException {
        write("app.txt", "app\n");
        String dockerfile = "FROM %s\nCOPY app.txt /app/\nRUN echo built > /app/built\nENV X=1\n".formatted(base());
        Instant epoch = Instant.parse("2020-01-01T00:00:00Z");

        ImageReference first = build(dockerfile, BuildSpec.builder(dir).sourceDateEpoch(epoch).noCache(true));
        Files.setLastModifiedTime(dir.resolve("app.txt"), java.nio.file.attribute.FileTime.from(Instant.now()));
        ImageReference second = build(dockerfile, BuildSpec.builder(dir).sourceDateEpoch(epoch).noCache(true));

        Image a = engine.image(first).orElseThrow();
        Image b = engine.image(second).orElseThrow();
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(b.manifestDigest()).isEqualTo(a.manifestDigest());
        assertThat(a.created()).isEqualTo(epoch);
    }

    @Test
    void copyChmodAndAddUnpackingALocalArchive() throws IOException {
        write("tool.sh", "#!/bin/sh\necho tool\n");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve("bundle.tar.gz"))))) {
            byte[] content = "inside\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("pkg/inside.txt");
            entry.setSize(content.length);
            entry.setUserId(42);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        ImageReference image = build("FROM %s\nCOPY --chmod=0750 tool.sh /usr/local/bin/tool\nADD bundle.tar.gz /opt/\n"
                .formatted(base()), BuildSpec.builder(dir));

        assertThat(runIn(image, "stat -c '%a %u' /usr/local/bin/tool; tool; cat /opt/pkg/inside.txt; stat -c %u /opt/pkg/inside.txt"))
                .containsExactly("750 0", "tool", "inside", "42");
    }

    @Test
    void aSyntaxErrorNamesTheFileLineAndInstruction() throws IOException {
        assertThatThrownBy(() -> build("FROM %s\nCOPY --chwn=1 a b\n".formatted(base()), BuildSpec.builder(dir)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("Dockerfile line 2 (COPY --chwn=1 a b): unknown flag: --chwn");
    }

    /**
     * As root the default network has no route out: a step that tries to leave fails at once (nothing leaves the
     * machine: 192.0.2.1 is a documentation address and there is no route to send it by) and the error says what to
     * build with; the same build with network none fails without the hint, which is then no news.
     */
    @Test
    void aStepThatCannotLeaveTheMachineSaysHowToBuildOneThatCan() throws IOException {
        String dockerfile = "FROM %s\nRUN ping -c 1 -W 1 192.0.2.1\n".formatted(base());

        assertThatThrownBy(() -> build(dockerfile, BuildSpec.builder(dir)))
                .isInstanceOf(BuildException.class).hasMessageContaining("Network is unreachable")
                .hasMessageContaining("hint: as root the embedded engine's networks reach only this machine")
                .hasMessageContaining("--network host");
        assertThatThrownBy(() -> build(dockerfile, BuildSpec.builder(dir).networkMode("none")))
                .isInstanceOf(BuildException.class).hasMessageContaining("Network is unreachable")
                .message().doesNotContain("hint:");
    }

    @Test
    void aSourceOutsideTheContextIsRefused() throws IOException {
        assertThatThrownBy(() -> build("FROM %s\nCOPY ../etc/passwd /x\n".formatted(base()), BuildSpec.builder(dir)))
                .isInstanceOf(BuildException.class).hasMessageContaining("../etc/passwd is outside the build context");
    }

    @Test
    void aPlatformOtherThanTheMachinesIsRefusedNotEmulated() throws IOException {
        String foreign = Platform.host().architecture().equals("arm64") ? "linux/amd64" : "linux/arm64";
        assertThatThrownBy(() -> build("FROM --platform=%s %s\nRUN true\n".formatted(foreign, base()), BuildSpec.builder(dir)))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("Dockerfile line 1 (FROM --platform=" + foreign)
                .hasMessageContaining("emulating no other CPU");
        assertThatThrownBy(() -> build("FROM %s\n".formatted(base()), BuildSpec.builder(dir).platform(Platform.parse(foreign))))
                .isInstanceOf(BuildException.class).hasMessageContaining("cannot build for platform " + foreign);

        ImageReference image = build("FROM --platform=$BUILDPLATFORM %s\nARG TARGETARCH\nRUN echo built > /on\n".formatted(base()),
                BuildSpec.builder(dir));
        assertThat(runIn(image, "cat /on")).containsExactly("built");
    }

    @Test
    void pruningTheBuildCacheKeepsTheStepsOfTaggedImagesOnly() throws IOException {
        write("Dockerfile", "FROM %s\nRUN head -c 300000 /dev/urandom > /kept\n".formatted(base()));
        ImageReference kept = ImageReference.parse("local.test/prune-kept-" + UUID.randomUUID().toString().substring(0, 8) + ":1");
        engine.build(BuildSpec.builder(dir).tag(kept).build(), e -> { });
        write("Dockerfile", "FROM %s\nRUN head -c 300000 /dev/urandom > /gone\n".formatted(base()));
        ImageReference gone = ImageReference.parse("local.test/prune-gone-" + UUID.randomUUID().toString().substring(0, 8) + ":1");
        engine.build(BuildSpec.builder(dir).tag(gone).build(), e -> { });
        engine.removeImage(gone);

        long freed = engine.pruneBuildCache();

        assertThat(freed).as("the untagged image's RUN layer").isGreaterThan(300_000);
        List<BuildEvent> again = new ArrayList<>();
        engine.build(BuildSpec.builder(dir).tag(gone).build(), again::add);
        assertThat(again).noneMatch(e -> e.kind() == BuildEvent.Kind.CACHED && e.step() == 2);
        write("Dockerfile", "FROM %s\nRUN head -c 300000 /dev/urandom > /kept\n".formatted(base()));
        List<BuildEvent> keptAgain = new ArrayList<>();
        engine.build(BuildSpec.builder(dir).tag(kept).build(), keptAgain::add);
        assertThat(keptAgain).anyMatch(e -> e.kind() == BuildEvent.Kind.CACHED && e.step() == 2);
        engine.removeImage(gone);
        engine.removeImage(kept);
    }
}
