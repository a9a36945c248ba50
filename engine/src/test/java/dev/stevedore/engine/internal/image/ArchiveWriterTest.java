package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.stevedore.engine.internal.image.ArchiveImporterTest.config;
import static dev.stevedore.engine.internal.image.ArchiveImporterTest.descriptor;
import static dev.stevedore.engine.internal.image.ArchiveImporterTest.gzip;
import static dev.stevedore.engine.internal.image.ArchiveImporterTest.layerTar;
import static dev.stevedore.engine.internal.image.ArchiveImporterTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class ArchiveWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    ContentStore store;
    Digest manifestDigest;
    Digest configDigest;
    Digest layerDigest;

    @BeforeEach
    void storeAnImage() throws IOException {
        store = new ContentStore(tmp.resolve("store"));
        byte[] tar = layerTar("hello.txt", "hello");
        byte[] layer = gzip(tar);
        byte[] config = utf8(config("amd64", Digest.of(tar)));
        byte[] manifest = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, config, "") + ",\"layers\":[" + descriptor(MediaTypes.OCI_LAYER_GZIP, layer, "") + "]}");
        layerDigest = put(layer);
        configDigest = put(config);
        manifestDigest = put(manifest);
    }

    private Digest put(byte[] blob) throws IOException {
        Digest digest = Digest.of(blob);
        store.ingest(digest, blob.length, out -> out.write(blob));
        return digest;
    }

    private Map<String, byte[]> written(List<ArchiveWriter.Entry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveWriter.write(entries, store, out);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                files.put(entry.getName(), entry.isDirectory() ? null : tar.readAllBytes());
            }
        }
        return files;
    }

    @Test
    void writesTheOciLayoutAndDockersManifestBesideIt() throws IOException {
        ImageReference latest = ImageReference.parse("busybox:latest");
        ImageReference other = ImageReference.parse("127.0.0.1:5000/team/box:1");

        Map<String, byte[]> files = written(List.of(new ArchiveWriter.Entry(manifestDigest, List.of(latest, other))));

        assertThat(files.keySet()).containsExactly("blobs/", "blobs/sha256/", "blobs/sha256/" + configDigest.hex(),
                "blobs/sha256/" + layerDigest.hex(), "blobs/sha256/" + manifestDigest.hex(), "index.json", "manifest.json", "oci-layout");
        assertThat(Digest.of(files.get("blobs/sha256/" + manifestDigest.hex()))).isEqualTo(manifestDigest);
        JsonNode legacy = JSON.readTree(files.get("manifest.json"));
        assertThat(legacy).hasSize(1);
        assertThat(legacy.get(0).get("Config").asText()).isEqualTo("blobs/sha256/" + configDigest.hex());
        assertThat(legacy.get(0).get("RepoTags")).extracting(JsonNode::asText).containsExactly("busybox:latest", "127.0.0.1:5000/team/box:1");
        assertThat(legacy.get(0).get("Layers")).extracting(JsonNode::asText).containsExactly("blobs/sha256/" + layerDigest.hex());
        JsonNode index = JSON.readTree(files.get("index.json"));
        assertThat(index.get("manifests")).hasSize(2);
        assertThat(index.get("manifests").get(0).get("digest").asText()).isEqualTo(manifestDigest.toString());
        assertThat(index.get("manifests").get(0).get("annotations").get("io.containerd.image.name").asText())
                .isEqualTo("docker.io/library/busybox:latest");
        assertThat(index.get("manifests").get(1).get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("1");
        assertThat(JSON.readTree(files.get("oci-layout")).get("imageLayoutVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void imageSavedWithoutATagHasNoNameAndEachBlobIsWrittenOnce() throws IOException {
        Map<String, byte[]> files = written(List.of(new ArchiveWriter.Entry(manifestDigest, List.of()),
                new ArchiveWriter.Entry(manifestDigest, List.of(ImageReference.parse("busybox:1")))));

        assertThat(files.keySet().stream().filter(name -> name.startsWith("blobs/sha256/") && name.length() > 13)).hasSize(3);
        JsonNode index = JSON.readTree(files.get("index.json"));
        assertThat(index.get("manifests").get(0).has("annotations")).isFalse();
        assertThat(JSON.readTree(files.get("manifest.json")).get(0).get("RepoTags")).isEmpty();
    }

    @Test
    void theImporterReadsWhatTheWriterWrote() throws IOException {
        ImageReference reference = ImageReference.parse("127.0.0.1:5000/team/box:1");
        Path archive = tmp.resolve("saved.tar");
        try (var out = Files.newOutputStream(archive)) {
            ArchiveWriter.write(List.of(new ArchiveWriter.Entry(manifestDigest, List.of(reference))), store, out);
        }
        ContentStore other = new ContentStore(tmp.resolve("other"));

        List<ImportedImage> imported = ArchiveImporter.importArchive(archive, other);

        assertThat(imported).extracting(ImportedImage::reference).containsExactly(reference);
        assertThat(imported).extracting(ImportedImage::manifestDigest).containsExactly(manifestDigest);
        assertThat(other.hasBlob(layerDigest)).isTrue();
        assertThat(other.hasBlob(configDigest)).isTrue();
    }
}
