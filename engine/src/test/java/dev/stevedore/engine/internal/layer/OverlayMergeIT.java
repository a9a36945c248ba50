package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.Privileges;
import dev.stevedore.engine.internal.store.ContentStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.stevedore.engine.internal.layer.LayerBuilder.layer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prepared layers mounted as overlayfs does for a container, file by file: what the merged view shows is
 * what the image means, whiteouts and opaque directories included.
 */
class OverlayMergeIT {
    @TempDir
    Path state;

    private ContentStore content;
    private SnapshotStore snapshots;

    @BeforeAll
    static void needsRoot() {
        assertThat(Privileges.canCreateDevices())
                .as("these tests mount overlayfs and create whiteouts: they need root outside a user namespace")
                .isTrue();
        assertThat(Path.of("/usr/bin/unshare")).as("unshare (util-linux) is needed").exists();
    }

    @BeforeEach
    void stores() {
        content = new ContentStore(state.resolve("content"));
        snapshots = new SnapshotStore(state);
    }

    private Map<String, MergedView.Node> merged(LayerBuilder... layers) throws Exception {
        TestImages.Stack stack = TestImages.store(content, layers);
        List<Path> dirs = snapshots.prepare(content, stack.layers(), stack.diffIds(), LayerListener.NONE);
        return MergedView.of(dirs);
    }

    @Test
    void upperLayersReplaceAndAddFiles() throws Exception {
        Map<String, MergedView.Node> view = merged(
                layer().dir("etc").file("etc/os-release", "base").file("etc/hosts", "127.0.0.1 localhost"),
                layer().file("etc/os-release", "patched").symlink("etc/alias", "os-release"));

        assertThat(view.get("etc/os-release").content()).isEqualTo("patched");
        assertThat(view.get("etc/hosts").content()).isEqualTo("127.0.0.1 localhost");
        assertThat(view.get("etc/alias").type()).isEqualTo('l');
        assertThat(view.get("etc/alias").link()).isEqualTo("os-release");
    }

    @Test
    void whiteoutsHideLowerFilesAndWholeDirectories() throws Exception {
        Map<String, MergedView.Node> view = merged(
                layer().dir("etc").file("etc/motd", "hello").file("etc/keep", "k")
                        .dir("var/cache").file("var/cache/a", "a").file("var/cache/sub/b", "b"),
                layer().whiteout("etc", "motd").whiteout("var", "cache"));

        assertThat(view).doesNotContainKeys("etc/motd", "var/cache", "var/cache/a", "var/cache/sub/b",
                "etc/.wh.motd", "var/.wh.cache");
        assertThat(view).containsKeys("etc", "etc/keep", "var");
    }

    @Test
    void opaqueDirectoriesHideLowerContentWhateverTheMarkerOrder() throws Exception {
        Map<String, MergedView.Node> view = merged(
                layer().dir("before").file("before/old", "o").file("before/sub/deep", "d")
                        .dir("after").file("after/old", "o")
                        .dir("plain").file("plain/old", "o"),
                layer().dir("before").file(".placeholder", "")
                        .opaque("before").file("before/new", "n")          // marker before its siblings
                        .dir("after").file("after/new", "n").opaque("after")  // marker after its siblings
                        .file("plain/new", "n"));

        assertThat(view).containsKeys("before/new", "after/new", "plain/new", "plain/old");
        assertThat(view).doesNotContainKeys("before/old", "before/sub", "before/sub/deep", "after/old",
                "before/.wh..wh..opq", "after/.wh..wh..opq");
    }

    @Test
    void aDirectoryDeletedAndRecreatedInOneLayerShowsOnlyItsNewContent() throws Exception {
        Map<String, MergedView.Node> view = merged(
                layer().file("app/old", "o").file("app/lib/old.so", "o"),
                layer().whiteout("", "app").file("app/new", "n"));

        assertThat(view).containsKey("app/new").doesNotContainKeys("app/old", "app/lib", "app/lib/old.so");
    }

    @Test
    void aFileReplacesALowerDirectoryAndADirectoryALowerFile() throws Exception {
        Map<String, MergedView.Node> view = merged(
                layer().file("x/inside", "i").file("y", "file"),
                layer().file("x", "now a file").file("y/inside", "now a dir"));

        assertThat(view.get("x").type()).isEqualTo('-');
        assertThat(view.get("x").content()).isEqualTo("now a file");
        assertThat(view).doesNotContainKey("x/inside");
        assertThat(view.get("y").type()).isEqualTo('d');
        assertThat(view.get("y/inside").content()).isEqualTo("now a dir");
    }

    @Test
    void keepsOwnersModesAndAttributesInTheMergedView() throws Exception {
        Map<String, MergedView.Node> view = merged(
                layer().dir("srv", e -> e.owner(70, 70).mode(0750))
                        .file("srv/suid", new byte[] {1}, e -> e.owner(1000, 1000).mode(04755)
                                .xattr("user.origin", "layer".getBytes(StandardCharsets.UTF_8))),
                layer().file("srv/other", "o"));

        assertThat(view.get("srv")).extracting(MergedView.Node::uid, MergedView.Node::mode).containsExactly(70L, 0750);
        assertThat(view.get("srv/suid")).extracting(MergedView.Node::uid, MergedView.Node::mode)
                .containsExactly(1000L, 04755);
        assertThat(view.get("srv/suid").xattrs()).containsEntry("user.origin", "layer");
    }

    @Test
    void leavesNoMountBehind() throws Exception {
        merged(layer().file("a", "a"), layer().file("b", "b"));

        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(state.toString())
                .doesNotContain("stevedore-merged");
    }
}
