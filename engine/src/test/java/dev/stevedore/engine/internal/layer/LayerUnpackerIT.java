package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.os.Xattrs;
import dev.stevedore.engine.internal.os.Privileges;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.stevedore.engine.internal.layer.LayerBuilder.layer;
import static dev.stevedore.engine.internal.layer.LayerUnpackerTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** What only root can unpack: ownership, devices, trusted.* and security.* attributes, overlay whiteouts. */
class LayerUnpackerIT {
    private static final Digest LAYER = Digest.of("root layer".getBytes(StandardCharsets.US_ASCII));
    /** A version-2 file capability granting cap_net_bind_service (bit 10), effective: binary, with NULs. */
    private static final byte[] NET_BIND_CAPABILITY = {
        0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

    @TempDir
    Path temp;

    private Path unpacked;

    @BeforeAll
    static void needsRoot() {
        assertThat(Privileges.canCreateDevices())
                .as("these tests need root outside a user namespace (chown, mknod, trusted.* attributes)")
                .isTrue();
    }

    private void unpack(LayerBuilder builder) throws IOException {
        unpacked = temp.resolve("layer");
        new LayerUnpacker().unpack(LAYER, new ByteArrayInputStream(builder.tar()), unpacked);
    }

    private Libc.Stat stat(String path) throws IOException {
        return Libc.lstatat(Libc.AT_FDCWD, bytes(unpacked.resolve(path)));
    }

    @Test
    void appliesNumericOwnershipToFilesDirectoriesAndSymlinksThemselves() throws IOException {
        unpack(layer()
                .dir("home/app", e -> e.owner(1000, 1001).mode(0750))
                .file("home/app/data", "x".getBytes(StandardCharsets.UTF_8), e -> e.owner(1000, 1001))
                .symlink("home/app/link", "/etc/shadow"));

        assertThat(stat("home/app")).extracting(Libc.Stat::uid, Libc.Stat::gid).containsExactly(1000, 1001);
        assertThat(stat("home/app/data")).extracting(Libc.Stat::uid, Libc.Stat::gid).containsExactly(1000, 1001);
        assertThat(stat("home/app/link")).extracting(Libc.Stat::uid).isEqualTo(0);
        assertThat(Libc.lstat("/etc/shadow").uid()).isEqualTo(0);
    }

    @Test
    void keepsSetuidOnFilesOwnedByAnotherUser() throws IOException {
        unpack(layer().file("usr/bin/su", new byte[] {1}, e -> e.owner(0, 0).mode(04755))
                .file("usr/bin/agent", new byte[] {2}, e -> e.owner(1000, 1000).mode(06750)));

        assertThat(stat("usr/bin/su").permissions()).isEqualTo(04755);
        assertThat(stat("usr/bin/agent").permissions()).isEqualTo(06750);
        assertThat(stat("usr/bin/agent").uid()).isEqualTo(1000);
    }

    @Test
    void setsFileCapabilitiesAfterTheChownThatWouldClearThem() throws IOException {
        unpack(layer().file("bin/server", new byte[] {1}, e -> e.owner(1000, 1000).mode(0755)
                .xattr("security.capability", NET_BIND_CAPABILITY)));

        assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve("bin/server")), "security.capability"))
                .isEqualTo(NET_BIND_CAPABILITY);
    }

    @Test
    void setsTrustedAttributes() throws IOException {
        unpack(layer().file("f", new byte[] {1}, e -> e.xattr("trusted.stevedore", "t".getBytes(StandardCharsets.UTF_8))));

        assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve("f")), "trusted.stevedore"))
                .isEqualTo("t".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void createsDevicesWithTheirNumbersOwnerAndMode() throws IOException {
        unpack(layer()
                .device("dev/null", TarConstants.LF_CHR, 1, 3)
                .device("dev/loop0", TarConstants.LF_BLK, 7, 0));

        Libc.Stat nul = stat("dev/null");
        assertThat(nul.type()).isEqualTo(Libc.S_IFCHR);
        assertThat(nul.rdevMajor()).isEqualTo(1);
        assertThat(nul.rdevMinor()).isEqualTo(3);
        assertThat(nul.permissions()).isEqualTo(0666);
        assertThat(stat("dev/loop0").type()).isEqualTo(Libc.S_IFBLK);
        assertThat(stat("dev/loop0").rdevMajor()).isEqualTo(7);
    }

    @Test
    void turnsWhiteoutsIntoZeroZeroCharacterDevicesWithTheEntrysOwner() throws IOException {
        unpack(layer().dir("etc").file("etc/.wh.motd", new byte[0], e -> e.owner(33, 44)));

        Libc.Stat whiteout = stat("etc/motd");
        assertThat(whiteout.type()).isEqualTo(Libc.S_IFCHR);
        assertThat(whiteout.rdevMajor()).isZero();
        assertThat(whiteout.rdevMinor()).isZero();
        assertThat(whiteout.uid()).isEqualTo(33);
        assertThat(whiteout.gid()).isEqualTo(44);
        assertThat(stat("etc/.wh.motd")).isNull();
    }

    @Test
    void marksOpaqueDirectoriesWhereverTheMarkerAppears() throws IOException {
        unpack(layer()
                .dir("before").opaque("before").file("before/kept", "1")
                .dir("after").file("after/kept", "2").opaque("after")
                .opaque("implicit/deep"));

        for (String dir : new String[] {"before", "after", "implicit/deep"}) {
            assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve(dir)), "trusted.overlay.opaque"))
                    .as(dir).isEqualTo(new byte[] {'y'});
            assertThat(stat(dir + "/.wh..wh..opq")).isNull();
        }
        assertThat(unpacked.resolve("before/kept")).hasContent("1");
        assertThat(unpacked.resolve("after/kept")).hasContent("2");
    }

    @Test
    void aWhiteoutNeverDeletesWhatItsOwnLayerMade() throws IOException {
        unpack(layer()
                .file("first", "file before its whiteout").whiteout("", "first")
                .whiteout("", "second").file("second", "file after its whiteout"));

        assertThat(unpacked.resolve("first")).isRegularFile().hasContent("file before its whiteout");
        assertThat(unpacked.resolve("second")).isRegularFile().hasContent("file after its whiteout");
    }

    @Test
    void aDirectoryDeletedAndRecreatedInOneLayerBecomesOpaqueInEitherOrder() throws IOException {
        unpack(layer()
                .whiteout("", "d1").dir("d1").file("d1/new", "n")
                .file("d2/new", "n").whiteout("", "d2")
                .whiteout("", "d3").file("d3/deep/new", "n"));

        for (String dir : new String[] {"d1", "d2", "d3"}) {
            assertThat(stat(dir).isDirectory()).as(dir).isTrue();
            assertThat(Xattrs.lgetxattr(bytes(unpacked.resolve(dir)), "trusted.overlay.opaque")).as(dir)
                    .isEqualTo(new byte[] {'y'});
        }
    }

    @Test
    void ignoresOtherWhiteoutMetadataEntries() throws IOException {
        unpack(layer().file(".wh..wh.plnk/123", "hard link store of aufs").file("kept", "k"));

        assertThat(unpacked.resolve("kept")).hasContent("k");
        assertThat(stat(".wh..wh.plnk")).isNull();
    }
}
