package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.image.ImageConfigDocument;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pulls the test images from each registry of the test bed and checks what a container would see — the
 * overlay of the unpacked layers — file by file against what the test bed built, whiteouts included.
 */
class PulledImagesUnpackIT {
    private static Testbed testbed;

    @TempDir
    Path state;
    @TempDir
    Path home;

    @BeforeAll
    static void testbed() {
        testbed = Testbed.get();
        TokenIssuer.ensureRunning(testbed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void layeredImageIsSeenExactlyAsLayered(String kind) throws Exception {
        Map<String, MergedView.Node> merged = pullAndMerge(registry(kind) + "/library/layered:latest");

        List<String> mismatches = new ArrayList<>();
        List<String> expectedPresent = new ArrayList<>();
        for (Testbed.ExpectedPath expected : testbed.layeredExpectedEntries()) {
            String path = expected.path().substring(1);
            MergedView.Node actual = merged.get(path);
            if (expected.absent()) {
                if (actual != null) {
                    mismatches.add(expected.path() + " should be whited out but is there");
                }
                continue;
            }
            expectedPresent.add(path);
            if (actual == null) {
                mismatches.add(expected.path() + " is missing");
                continue;
            }
            String problem = compare(expected, actual);
            if (problem != null) {
                mismatches.add(expected.path() + ": " + problem);
            }
        }
        assertThat(mismatches).as("differences between the merged view and the layered image as built").isEmpty();
        assertThat(merged.keySet()).as("paths in the merged view that the image does not have")
                .containsExactlyInAnyOrderElementsOf(expectedPresent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void busyboxIsSeenAsItsRootfs(String kind) throws Exception {
        assertThat(pullAndMerge(registry(kind) + "/library/busybox:latest")).isEqualTo(treeOf(testbed.busyboxRootfs()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void zstdLayersUnpackLikeGzipOnes(String kind) throws Exception {
        assertThat(pullAndMerge(registry(kind) + "/library/zstd:latest")).isEqualTo(treeOf(testbed.busyboxRootfs()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void postgresHasItsServerAndEntrypoint(String kind) throws Exception {
        Map<String, MergedView.Node> merged = pullAndMerge(registry(kind) + "/library/postgres:15");
        assertThat(merged.get("usr/lib/postgresql/15/bin/postgres")).isNotNull().extracting(MergedView.Node::type).isEqualTo('-');
        assertThat(merged).containsKey("usr/local/bin/docker-entrypoint.sh");
        assertThat(merged.get("usr/local/bin/docker-entrypoint.sh").mode() & 0111).isNotZero();
        assertThat(merged.get("etc/passwd").content()).contains("postgres:x:");
    }

    private String registry(String kind) {
        return switch (kind) {
            case "plain" -> testbed.plainRegistry();
            case "tls" -> testbed.tlsRegistry();
            default -> testbed.tokenRegistry();
        };
    }

    private Map<String, MergedView.Node> pullAndMerge(String reference) throws Exception {
        Path dockerConfig = testbed.writeDockerConfig(home.resolve(".docker"), Map.of(
                testbed.tlsRegistry(), new String[] {testbed.tlsUser(), testbed.tlsPassword()},
                testbed.tokenRegistry(), new String[] {testbed.tokenUser(), testbed.tokenPassword()}));
        EngineSettings settings = EngineSettings.from(name -> null).withStateDirectory(state)
                .withDockerConfigDirectory(dockerConfig.getParent())
                .withCertificateDirectories(List.of(testbed.certsDirectory()))
                .withPlatform(Platform.parse("linux/amd64"));
        Image image;
        try (ContainerEngine engine = ContainerEngine.embedded(settings)) {
            image = engine.pull(reference);
        }
        ContentStore content = new ContentStore(state.resolve("content"));
        ImageConfigDocument config = ImageConfigDocument.parse(content.readBlob(Digest.parse(image.id())));
        SnapshotStore snapshots = new SnapshotStore(state);
        List<Path> layers = new ArrayList<>();
        for (Digest chainId : SnapshotStore.chainIds(config.diffIds())) {
            layers.add(snapshots.layerDirectory(chainId).orElseThrow(() -> new AssertionError("layer " + chainId + " not unpacked")));
        }
        return MergedView.of(layers);
    }

    private static String compare(Testbed.ExpectedPath expected, MergedView.Node actual) {
        char type = switch (expected.type()) {
            case "f" -> '-';
            case "d" -> 'd';
            case "l" -> 'l';
            case "h" -> 'h';
            default -> '?';
        };
        if (actual.type() != type && !(type == 'h' && actual.type() == '-')) {
            return "type " + actual.type() + " instead of " + expected.type();
        }
        if (type != 'l' && actual.mode() != expected.mode()) {
            return "mode " + Integer.toOctalString(actual.mode()) + " instead of " + Integer.toOctalString(expected.mode());
        }
        if (actual.uid() != expected.uid() || actual.gid() != expected.gid()) {
            return "owner " + actual.uid() + ":" + actual.gid() + " instead of " + expected.uid() + ":" + expected.gid();
        }
        if (type == '-' && !actual.sha256().equals(expected.target())) {
            return "content differs";
        }
        if (type == 'l' && !actual.link().equals(expected.target())) {
            return "links to " + actual.link() + " instead of " + expected.target();
        }
        if (type == 'h' && actual.type() == 'h' && !("/" + actual.link().replaceFirst("^\\./", "")).equals(expected.target())) {
            return "hard link to " + actual.link() + " instead of " + expected.target();
        }
        return null;
    }

    /** A directory tree in the shape {@link MergedView} reports, to compare a reference rootfs with. */
    private static Map<String, MergedView.Node> treeOf(Path root) throws IOException {
        Map<String, MergedView.Node> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (p.equals(root)) {
                    continue;
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                char type = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : a.isRegularFile() ? '-' : '?';
                byte[] bytes = type == '-' ? Files.readAllBytes(p) : new byte[0];
                String content = new String(bytes, StandardCharsets.UTF_8);
                String sha = type == '-' ? HexFormat.of().formatHex(Digest.sha256().digest(bytes)) : "";
                String link = type == 'l' ? Files.readSymbolicLink(p).toString() : "";
                tree.put(root.relativize(p).toString(), new MergedView.Node(type, mode, uid, gid, content, link, Map.of(), sha));
            }
        }
        return tree;
    }
}
