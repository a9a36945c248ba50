package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.os.Xattrs;
import dev.stevedore.engine.internal.store.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static dev.stevedore.engine.internal.layer.LayerBuilder.layer;
import static org.assertj.core.api.Assertions.assertThat;

class LayerUnpackerTest {
    private static final Digest BLOB = Digest.of("a layer blob".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path temp;

    private Path unpacked;

    private Digest unpack(byte[] blob) throws IOException {
        return unpack(blob, new LayerUnpacker());
    }

    private Digest unpack(byte[] blob, LayerUnpacker unpacker) throws IOException {
        unpacked = temp.resolve("layer");
        return unpacker.unpack(BLOB, new ByteArrayInputStream(blob), unpacked);
    }

    private static LayerBuilder sample() {
        return layer()
                .dir("etc")
                .file("etc/hostname", "box\n")
                .dir("usr/bin", e -> e.mode(0750))
                .file("usr/bin/tool", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), e -> e.mode(0755))
                .symlink("bin", "usr/bin")
                .symlink("etc/dangling", "/no/such/place/")
                .hardlink("usr/bin/tool2", "usr/bin/tool");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "gzip", "zstd"})
    void unpacksEveryCompressionAndReturnsTheDigestOfTheUncompressedTar(String compression) throws IOException {
        byte[] tar = sample().tar();
        byte[] blob = switch (compression) {
            case "gzip" -> LayerBuilder.gzip(tar);
            case "zstd" -> LayerBuilder.zstd(tar);
            default -> tar;
        };

        Digest diffId = unpack(blob);

        assertThat(diffId).isEqualTo(Digest.of(tar));
        assertThat(unpacked.resolve("etc/hostname")).hasContent("box");
        assertThat(unpacked.resolve("usr/bin/tool")).content().contains("echo hi");
    }

    @Test
    void diffIdCoversBytesAfterTheEndOfArchiveMarker() throws IOException {
        byte[] tar = sample().tar();
        byte[] padded = java.util.Arrays.copyOf(tar, tar.length + 10240);

        assertThat(unpack(padded)).isEqualTo(Digest.of(padded)).isNotEqualTo(Digest.of(tar));
    }

    @Test
    void keepsSymlinkTargetsVerbatimWithoutFollowingThem() throws IOException {
        unpack(sample().tar());

        assertThat(Files.isSymbolicLink(unpacked.resolve("bin"))).isTrue();
        assertThat(Files.readSymbolicLink(unpacked.resolve("bin")).toString()).isEqualTo("usr/bin");
        byte[] raw = Libc.readlinkat(Libc.AT_FDCWD, unpacked.resolve("etc/dangling").toString()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(new String(raw, StandardCharsets.UTF_8)).isEqualTo("/no/such/place/");
    }

    @Test
    void makesHardLinksShareTheInode() throws IOException {
        unpack(sample().tar());

        Object first = Files.getAttribute(unpacked.resolve("usr/bin/tool"), "unix:ino");
        Object second = Files.getAttribute(unpacked.resolve("usr/bin/tool2"), "unix:ino");
        assertThat(second).isEqualTo(first);
        assertThat(Files.getAttribute(unpacked.resolve("usr/bin/tool"), "unix:nlink")).isEqualTo(2);
    }

    @Test
    void setsModesIncludingSetuidSetgidAndStickyBits() throws IOException {
        unpack(layer()
                .file("suid", new byte[] {1}, e -> e.mode(04755))
                .file("sgid", new byte[] {1}, e -> e.mode(02711))
                .dir("tmp", e -> e.mode(01777))
                .dir("locked", e -> e.mode(0500))
                .file("locked/inside", new byte[] {1}, e -> e.mode(0400))
                .tar());

        assertThat(mode("suid")).isEqualTo(04755);
        assertThat(mode("sgid")).isEqualTo(02711);
        assertThat(mode("tmp")).isEqualTo(01777);
        assertThat(mode("locked")).isEqualTo(0500);
        assertThat(mode("locked/inside")).isEqualTo(0400);
    }

    @Test
    void theLayerRootIsTraversableByEveryone() throws IOException {
        unpack(sample().tar());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void setsModificationTimesOfFilesSymlinksAndDirectoriesAfterTheirContent() throws IOException {
        unpack(sample().tar());

        FileTime expected = FileTime.from(LayerBuilder.MTIME);
        assertThat(Files.getLastModifiedTime(unpacked.resolve("etc/hostname"))).isEqualTo(expected);
        assertThat(Files.getLastModifiedTime(unpacked.resolve("bin"), LinkOption.NOFOLLOW_LINKS)).isEqualTo(expected);
        // etc got children after its own entry: its time is set once all entries are in.
        assertThat(Files.getLastModifiedTime(unpacked.resolve("etc"))).isEqualTo(expected);
        assertThat(Files.getLastModifiedTime(unpacked.resolve("usr/bin"))).isEqualTo(expected);
    }

    @Test
    void createsMissingParentDirectoriesWithMode755() throws IOException {
        unpack(layer().file("a/b/c/file", "x").tar());

        assertThat(mode("a")).isEqualTo(0755);
        assertThat(mode("a/b/c")).isEqualTo(0755);
        assertThat(unpacked.resolve("a/b/c/file")).hasContent("x");
    }

    @Test
    void setsUserExtendedAttributesWithBinaryValues() throws IOException {
        byte[] binary = {0, 1, (byte) 0xff, (byte) 0xc3, 0x28, 'z'}; // not valid UTF-8
        unpack(layer()
                .file("data", "x".getBytes(StandardCharsets.UTF_8), e -> e.xattr("user.binary", binary))
                .dir("d", e -> e.xattr("user.note", "dir".getBytes(StandardCharsets.UTF_8)))
                .tar());

        assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve("data")), "user.binary")).isEqualTo(binary);
        assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve("d")), "user.note")).isEqualTo("dir".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dropsOverlayAttributesCarriedInTheArchive() throws IOException {
        unpack(layer()
                .dir("d", e -> e.xattr("trusted.overlay.redirect", "/elsewhere".getBytes(StandardCharsets.UTF_8)))
                .tar());

        assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve("d")), "trusted.overlay.redirect")).isNull();
    }

    @Test
    void laterEntriesReplaceEarlierOnesOfTheSameName() throws IOException {
        unpack(layer()
                .file("x", "first")
                .file("x", "second")
                .dir("d")
                .file("d/child", "c")
                .file("d", "now a file")
                .symlink("s", "target-one")
                .dir("s")
                .tar());

        assertThat(unpacked.resolve("x")).hasContent("second");
        assertThat(unpacked.resolve("d")).isRegularFile().hasContent("now a file");
        assertThat(unpacked.resolve("s")).isDirectory();
    }

    @Test
    void keepsUtf8NamesExact() throws IOException {
        unpack(layer().file("données/größe €.txt", "ok").tar());

        List<String> names = new ArrayList<>();
        for (byte[] name : Libc.listDirectory(Libc.AT_FDCWD, bytes(unpacked.resolve("données")))) {
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        assertThat(names).containsExactly("größe €.txt");
    }

    @Test
    void createsFifos() throws IOException {
        unpack(layer().fifo("pipe").tar());

        assertThat(Libc.lstatat(Libc.AT_FDCWD, bytes(unpacked.resolve("pipe"))).type()).isEqualTo(Libc.S_IFIFO);
    }

    @Test
    void reportsProgressInBlobBytes() throws IOException {
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        byte[] blob = LayerBuilder.gzip(layer().file("big", big, e -> { }).tar());
        List<Long> reports = new ArrayList<>();

        new LayerUnpacker().unpack(BLOB, new ByteArrayInputStream(blob), temp.resolve("p"), List.of(), reports::add);

        assertThat(reports).isSorted().hasSizeGreaterThanOrEqualTo(3);
        assertThat(reports.get(reports.size() - 1)).isEqualTo(blob.length);
    }

    @Test
    void directoriesTheLayerDoesNotDescribeCopyTheLowerLayers() throws IOException {
        Path lower = temp.resolve("lower");
        new LayerUnpacker().unpack(BLOB, new ByteArrayInputStream(layer()
                .dir("srv", e -> e.mode(0710).xattr("user.kind", "service".getBytes(StandardCharsets.UTF_8)))
                .dir("srv/data", e -> e.mode(0700))
                .file("srv/data/old", "o")
                .tar()), lower);
        Path nearer = temp.resolve("nearer");
        new LayerUnpacker().unpack(BLOB, new ByteArrayInputStream(layer().file("other/x", "x").tar()), nearer);

        unpacked = temp.resolve("upper");
        new LayerUnpacker().unpack(BLOB, new ByteArrayInputStream(layer()
                .file("srv/data/new", "n")
                .file("fresh/dir/file", "f")
                .tar()), unpacked, List.of(nearer, lower), bytes -> { });

        assertThat(mode("srv")).isEqualTo(0710);
        assertThat(mode("srv/data")).isEqualTo(0700);
        assertThat(Files.getLastModifiedTime(unpacked.resolve("srv"))).isEqualTo(FileTime.from(LayerBuilder.MTIME));
        assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve("srv")), "user.kind"))
                .isEqualTo("service".getBytes(StandardCharsets.UTF_8));
        assertThat(mode("fresh/dir")).isEqualTo(0755);
        assertThat(unpacked.resolve("srv/data/old")).doesNotExist();
    }

    @Test
    void anExplicitDirectoryEntryReplacesWhatItsImplicitVersionCopiedFromBelow() throws IOException {
        Path lower = temp.resolve("lower");
        new LayerUnpacker().unpack(BLOB, new ByteArrayInputStream(layer()
                .dir("srv", e -> e.mode(0700).xattr("user.lower", new byte[] {1}))
                .tar()), lower);

        unpacked = temp.resolve("upper");
        new LayerUnpacker().unpack(BLOB, new ByteArrayInputStream(layer()
                .file("srv/first", "entries out of order: the child before its directory")
                .dir("srv", e -> e.mode(0751).xattr("user.upper", new byte[] {2}))
                .tar()), unpacked, List.of(lower), bytes -> { });

        assertThat(mode("srv")).isEqualTo(0751);
        assertThat(Xattrs.llistxattr(bytes(unpacked.resolve("srv")))).containsExactly("user.upper");
    }

    private int mode(String path) throws IOException {
        return (Integer) Files.getAttribute(unpacked.resolve(path), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static byte[] bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8);
    }
}
