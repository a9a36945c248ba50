package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArchiveImporterTest {
    private static final Platform AMD64 = Platform.parse("linux/amd64");

    @TempDir
    Path tmp;
    ContentStore store;

    @BeforeEach
    void createStore() {
        store = new ContentStore(tmp.resolve("store"));
    }

    /** A tiny uncompressed layer tar holding one file. */
    static byte[] layerTar(String file, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(file);
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String config(String arch, Digest... diffIds) {
        StringBuilder ids = new StringBuilder();
        for (Digest d : diffIds) {
            ids.append(ids.length() == 0 ? "" : ",").append('"').append(d).append('"');
        }
        return "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}";
    }

    static String descriptor(String mediaType, byte[] blob, String extra) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + Digest.of(blob) + "\",\"size\":" + blob.length + extra + "}";
    }

    /** Files of an OCI layout (name → content), for one image per architecture, named by tag in index.json. */
    static final class Layout {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final StringBuilder index = new StringBuilder();

        byte[] blob(byte[] content) {
            files.put("blobs/sha256/" + Digest.of(content).hex(), content);
            return content;
        }

        /** Adds an image; returns its manifest bytes. */
        byte[] image(String arch, String layerContent) throws IOException {
            byte[] raw = layerTar("hello.txt", layerContent);
            byte[] layer = blob(gzip(raw));
            byte[] config = blob(utf8(config(arch, Digest.of(raw))));
            return blob(utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                    + descriptor(MediaTypes.OCI_CONFIG, config, "") + ",\"layers\":["
                    + descriptor(MediaTypes.OCI_LAYER_GZIP, layer, "") + "]}"));
        }

        Layout name(String mediaType, byte[] target, String annotations) {
            index.append(index.length() == 0 ? "" : ",")
                    .append(descriptor(mediaType, target, ",\"annotations\":{" + annotations + "}"));
            return this;
        }

        Map<String, byte[]> finish() {
            files.put("oci-layout", utf8("{\"imageLayoutVersion\":\"1.0.0\"}"));
            files.put("index.json", utf8("{\"schemaVersion\":2,\"manifests\":[" + index + "]}"));
            return files;
        }
    }

    Path writeDirectory(Map<String, byte[]> files) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "layout");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        return dir;
    }

    /** A tar of the files; a value of {@code null} with a key "name->target" writes a symbolic link. */
    Path writeTar(Map<String, byte[]> files, boolean compress) throws IOException {
        Path file = Files.createTempFile(tmp, "archive", compress ? ".tar.gz" : ".tar");
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream maybeGzip = compress ? new GZIPOutputStream(raw) : raw;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(maybeGzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                if (entry.getValue() == null) {
                    String[] link = entry.getKey().split("->");
                    TarArchiveEntry symlink = new TarArchiveEntry(link[0], TarArchiveEntry.LF_SYMLINK);
                    symlink.setLinkName(link[1]);
                    tar.putArchiveEntry(symlink);
                } else {
                    TarArchiveEntry e = new TarArchiveEntry(entry.getKey());
                    e.setSize(entry.getValue().length);
                    tar.putArchiveEntry(e);
                    tar.write(entry.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private void assertAllBlobsStored(ImportedImage image) {
        assertThat(store.hasBlob(image.manifestDigest())).isTrue();
        assertThat(store.hasBlob(image.manifest().config().digest())).isTrue();
        image.manifest().layers().forEach(layer -> assertThat(store.hasBlob(layer.digest())).isTrue());
    }

    @Test
    void importsAnOciLayoutDirectoryNamedByTag() throws IOException {
        Layout layout = new Layout();
        byte[] manifest = layout.image("amd64", "hello");
        Path dir = writeDirectory(layout.name(MediaTypes.OCI_MANIFEST, manifest, "\"org.opencontainers.image.ref.name\":\"latest\"").finish());

        List<ImportedImage> images = ArchiveImporter.importArchive(dir, store, AMD64);

        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image.name()).isEqualTo("latest");
            assertThat(image.reference()).as("a bare tag names no repository").isNull();
            assertThat(image.manifestDigest()).isEqualTo(Digest.of(manifest));
            assertThat(image.indexDigest()).isNull();
            assertAllBlobsStored(image);
        });
    }

    @Test
    void importsATarOfAnOciLayoutWithFullNamesAndGzip() throws IOException {
        Layout layout = new Layout();
        byte[] manifest = layout.image("amd64", "hello");
        Map<String, byte[]> files = layout.name(MediaTypes.OCI_MANIFEST, manifest,
                "\"io.containerd.image.name\":\"docker.io/library/busybox:1.36\",\"org.opencontainers.image.ref.name\":\"1.36\"").finish();

        List<ImportedImage> images = ArchiveImporter.importArchive(writeTar(files, true), store, AMD64);

        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image.reference()).hasToString("docker.io/library/busybox:1.36");
            assertAllBlobsStored(image);
        });
    }

    @Test
    void importsALayoutTarredWithItsDirectory() throws IOException {
        Layout layout = new Layout();
        byte[] manifest = layout.image("amd64", "hello");
        Map<String, byte[]> prefixed = new LinkedHashMap<>();
        layout.name(MediaTypes.OCI_MANIFEST, manifest, "\"org.opencontainers.image.ref.name\":\"busybox:latest\"")
                .finish().forEach((name, content) -> prefixed.put("busybox-oci/" + name, content));

        List<ImportedImage> images = ArchiveImporter.importArchive(writeTar(prefixed, false), store, AMD64);

        assertThat(images).singleElement().satisfies(image -> assertThat(image.reference()).hasToString("docker.io/library/busybox:latest"));
    }

    @Test
    void choosesThePlatformOfAMultiArchIndex() throws IOException {
        Layout layout = new Layout();
        byte[] amd64 = layout.image("amd64", "x86");
        byte[] arm64 = layout.image("arm64", "arm");
        byte[] index = layout.blob(utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + descriptor(MediaTypes.OCI_MANIFEST, amd64, ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}") + ","
                + descriptor(MediaTypes.OCI_MANIFEST, arm64, ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}")
                + "]}"));
        Path dir = writeDirectory(layout.name(MediaTypes.OCI_INDEX, index, "\"org.opencontainers.image.ref.name\":\"multi\"").finish());

        ImportedImage onArm = ArchiveImporter.importArchive(dir, store, Platform.parse("linux/arm64")).get(0);

        assertThat(onArm.indexDigest()).isEqualTo(Digest.of(index));
        assertThat(onArm.manifestDigest()).isEqualTo(Digest.of(arm64));
        assertThatThrownBy(() -> ArchiveImporter.importArchive(dir, store, Platform.parse("linux/s390x")))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("has no manifest for linux/s390x in the archive; it holds [linux/amd64, linux/arm64/v8]");
    }

    @Test
    void corruptedBlobIsNotStored() throws IOException {
        Layout layout = new Layout();
        byte[] manifest = layout.image("amd64", "hello");
        Map<String, byte[]> files = layout.name(MediaTypes.OCI_MANIFEST, manifest, "").finish();
        ImageManifest parsed = ImageManifest.parse(manifest, null);
        String layerName = "blobs/sha256/" + parsed.layers().get(0).digest().hex();
        byte[] corrupted = files.get(layerName).clone();
        corrupted[corrupted.length / 2] ^= 1;
        files.put(layerName, corrupted);

        assertThatThrownBy(() -> ArchiveImporter.importArchive(writeDirectory(files), store, AMD64))
                .isInstanceOf(ContentVerificationException.class)
                .hasMessageStartingWith("import of ");
        assertThat(store.hasBlob(parsed.layers().get(0).digest())).isFalse();
    }

    @Test
    void missingBlobIsAClearError() throws IOException {
        Layout layout = new Layout();
        byte[] manifest = layout.image("amd64", "hello");
        Map<String, byte[]> files = layout.name(MediaTypes.OCI_MANIFEST, manifest, "\"org.opencontainers.image.ref.name\":\"v1\"").finish();
        Digest config = ImageManifest.parse(manifest, null).config().digest();
        files.remove("blobs/sha256/" + config.hex());

        assertThatThrownBy(() -> ArchiveImporter.importArchive(writeTar(files, false), store, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("image \"v1\"'s config (" + config + ") is not in the archive");
    }

    /** A legacy docker save: manifest.json + repositories, layer tars and a config named by its hex. */
    Map<String, byte[]> dockerSave(byte[]... layers) {
        Digest[] diffIds = Stream.of(layers).map(Digest::of).toArray(Digest[]::new);
        byte[] config = utf8(config("amd64", diffIds));
        Map<String, byte[]> files = new LinkedHashMap<>();
        StringBuilder layerNames = new StringBuilder();
        for (int i = 0; i < layers.length; i++) {
            String name = "layer" + i + "/layer.tar";
            files.put(name, layers[i]);
            layerNames.append(i == 0 ? "" : ",").append('"').append(name).append('"');
        }
        files.put(Digest.of(config).hex() + ".json", config);
        files.put("manifest.json", utf8("[{\"Config\":\"" + Digest.of(config).hex() + ".json\","
                + "\"RepoTags\":[\"busybox:latest\",\"localhost:5000/team/busybox:1\"],\"Layers\":[" + layerNames + "]}]"));
        files.put("repositories", utf8("{\"busybox\":{\"latest\":\"x\"}}"));
        return files;
    }

    @Test
    void importsALegacyDockerSaveWithASynthesisedSchema2Manifest() throws IOException {
        byte[] base = layerTar("bin/sh", "shell");
        byte[] top = layerTar("etc/motd", "hi");
        Path archive = writeTar(dockerSave(base, top), false);

        List<ImportedImage> images = ArchiveImporter.importArchive(archive, store, AMD64);

        assertThat(images).extracting(i -> i.reference().toString())
                .containsExactly("docker.io/library/busybox:latest", "localhost:5000/team/busybox:1");
        ImportedImage image = images.get(0);
        assertThat(images.get(1).manifestDigest()).isEqualTo(image.manifestDigest());
        assertAllBlobsStored(image);
        ImageManifest manifest = image.manifest();
        assertThat(manifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(manifest.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
        assertThat(manifest.layers()).extracting(Descriptor::mediaType).containsOnly(MediaTypes.DOCKER_LAYER_TAR);
        assertThat(manifest.layers()).extracting(Descriptor::digest).containsExactly(Digest.of(base), Digest.of(top));
        assertThat(ManifestDocument.parse(store.readBlob(image.manifestDigest()), MediaTypes.DOCKER_MANIFEST)).isEqualTo(manifest);
    }

    @Test
    void legacyImportIsDeterministic() throws IOException {
        Map<String, byte[]> files = dockerSave(layerTar("a", "b"));

        Digest first = ArchiveImporter.importArchive(writeTar(files, false), store, AMD64).get(0).manifestDigest();
        Digest second = ArchiveImporter.importArchive(writeTar(files, true), new ContentStore(tmp.resolve("other")), AMD64)
                .get(0).manifestDigest();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void legacyLayerThatDoesNotMatchItsDiffIdIsRefused() throws IOException {
        Map<String, byte[]> files = dockerSave(layerTar("a", "b"));
        files.put("layer0/layer.tar", layerTar("a", "tampered"));

        assertThatThrownBy(() -> ArchiveImporter.importArchive(writeTar(files, false), store, AMD64))
                .isInstanceOf(ContentVerificationException.class);
        assertThat(store.hasBlob(Digest.of(layerTar("a", "tampered")))).isFalse();
    }

    @Test
    void legacyLayersMayBeSymlinksInsideTheArchive() throws IOException {
        byte[] layer = layerTar("a", "b");
        Map<String, byte[]> files = dockerSave(layer, layer);
        files.remove("layer1/layer.tar");
        files.put("layer1/layer.tar->../layer0/layer.tar", null);

        assertThat(ArchiveImporter.importArchive(writeTar(files, false), store, AMD64).get(0).manifest().layers()).hasSize(2);
    }

    @Test
    void hostileNamesAndLinksLeadNowhere() throws IOException {
        Path outside = tmp.resolve("secret.txt");
        Files.writeString(outside, "do not read");
        byte[] layer = layerTar("a", "b");
        Map<String, byte[]> files = dockerSave(layer);
        files.remove("layer0/layer.tar");
        // the layer "exists" only through an entry that climbs out, and a link pointing out of the archive
        files.put("../../layer0/layer.tar", layer);
        files.put("layer0/layer.tar->" + outside, null);
        files.put("/etc/evil", utf8("x"));
        Path archive = writeTar(files, false);

        assertThatThrownBy(() -> ArchiveImporter.importArchive(archive, store, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("layer 0 (layer0/layer.tar) is not in the archive");
        try (Stream<Path> written = Files.walk(tmp)) {
            assertThat(written.map(p -> p.getFileName().toString())).doesNotContain("evil", "layer.tar");
        }
        assertThat(Files.exists(Path.of("/etc/evil"))).isFalse();
    }

    @Test
    void directoryLayoutSymlinkPointingOutsideIsNotFollowed() throws IOException {
        Layout layout = new Layout();
        byte[] manifest = layout.image("amd64", "hello");
        Path dir = writeDirectory(layout.name(MediaTypes.OCI_MANIFEST, manifest, "").finish());
        Digest config = ImageManifest.parse(manifest, null).config().digest();
        Path blob = dir.resolve("blobs/sha256/" + config.hex());
        Path outside = tmp.resolve("outside-config");
        Files.move(blob, outside);
        Files.createSymbolicLink(blob, outside);

        assertThatThrownBy(() -> ArchiveImporter.importArchive(dir, store, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("is not in the archive");
    }

    @Test
    void somethingElseIsNotAnImageArchive() throws IOException {
        Path dir = writeDirectory(Map.of("README", utf8("hello")));
        Path notTar = Files.writeString(tmp.resolve("x.tar"), "definitely not a tar archive, but long enough to have a header? no");

        assertThatThrownBy(() -> ArchiveImporter.importArchive(dir, store, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessage("import of " + dir + " failed: it holds neither index.json (an OCI image layout) nor manifest.json (a docker save archive)");
        assertThatThrownBy(() -> ArchiveImporter.importArchive(notTar, store, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageStartingWith("import of " + notTar + " failed: ");
        assertThatThrownBy(() -> ArchiveImporter.importArchive(tmp.resolve("absent.tar"), store, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("absent.tar");
    }

    @Test
    void normalisesArchiveNames() {
        assertThat(ArchiveFiles.normalise("./index.json")).isEqualTo("index.json");
        assertThat(ArchiveFiles.normalise("a//b/./c")).isEqualTo("a/b/c");
        assertThat(ArchiveFiles.normalise("a/../b")).isEqualTo("b");
        assertThat(ArchiveFiles.normalise("../b")).isNull();
        assertThat(ArchiveFiles.normalise("a/../../b")).isNull();
        assertThat(ArchiveFiles.normalise("/etc/passwd")).isEqualTo("etc/passwd");
    }
}
