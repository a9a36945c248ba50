package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Platform;
import okhttp3.RequestBody;
import okio.Buffer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadArchiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Platform AMD64 = new Platform("linux", "amd64", "");

    @TempDir
    Path dir;

    /** An OCI layout's files: one image per platform under an index, or a single manifest when {@code platforms} is empty. */
    private static Map<String, byte[]> ociLayout(ObjectNode annotations, String... platforms) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        ArrayNode descriptors = JSON.createArrayNode();
        for (String platform : platforms.length == 0 ? new String[] {null} : platforms) {
            String layer = blob(files, ("layer of " + platform).getBytes(StandardCharsets.UTF_8));
            String config = blob(files, ("{\"architecture\":\"" + platform + "\"}").getBytes(StandardCharsets.UTF_8));
            ObjectNode manifest = JSON.createObjectNode();
            manifest.putObject("config").put("digest", config);
            manifest.putArray("layers").addObject().put("digest", layer);
            ObjectNode descriptor = descriptors.addObject()
                    .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                    .put("digest", blob(files, JSON.writeValueAsBytes(manifest)));
            if (platform != null) {
                Platform p = Platform.parse(platform);
                descriptor.putObject("platform").put("os", p.os()).put("architecture", p.architecture());
            }
        }
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        if (platforms.length == 0) {
            ((ObjectNode) descriptors.get(0)).set("annotations", annotations);
            index.set("manifests", descriptors);
        } else {
            ObjectNode nested = JSON.createObjectNode().put("schemaVersion", 2);
            nested.set("manifests", descriptors);
            ObjectNode top = index.putArray("manifests").addObject()
                    .put("mediaType", "application/vnd.oci.image.index.v1+json")
                    .put("digest", blob(files, JSON.writeValueAsBytes(nested)));
            top.set("annotations", annotations);
        }
        files.put("index.json", JSON.writeValueAsBytes(index));
        return files;
    }

    private static String blob(Map<String, byte[]> files, byte[] content) {
        String hex = ImageArchives.sha256(content);
        files.put("blobs/sha256/" + hex, content);
        return "sha256:" + hex;
    }

    private Path tar(Map<String, byte[]> files) throws IOException {
        Path tar = dir.resolve("archive.tar");
        try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream archive = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                archive.putArchiveEntry(entry);
                archive.write(file.getValue());
                archive.closeArchiveEntry();
            }
        }
        return tar;
    }

    private static Map<String, byte[]> sent(RequestBody body) throws IOException {
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(buffer.readByteArray()))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    files.put(entry.getName(), tar.readAllBytes());
                }
            }
        }
        return files;
    }

    private static JsonNode manifestJson(Map<String, byte[]> files) throws IOException {
        assertThat(files).containsKey("manifest.json");
        return JSON.readTree(files.get("manifest.json"));
    }

    @Test
    void aDockerSaveArchiveGoesAsItIs() throws IOException {
        Path archive = ImageArchives.dockerSave(dir, "app:1");

        Buffer buffer = new Buffer();
        LoadArchive.body(archive, AMD64).writeTo(buffer);

        assertThat(buffer.readByteArray()).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void aCompressedArchiveGoesAsItIsForTheDaemonToUnpack() throws IOException {
        Path gz = dir.resolve("image.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(ImageArchives.dockerSave(dir, "app:1")));
        }

        Buffer buffer = new Buffer();
        LoadArchive.body(gz, AMD64).writeTo(buffer);

        assertThat(buffer.readByteArray()).isEqualTo(Files.readAllBytes(gz));
    }

    @Test
    void anOciTarGetsTheManifestJsonOlderDaemonsRead() throws IOException {
        ObjectNode annotations = JSON.createObjectNode().put("io.containerd.image.name", "registry.example:5000/team/app:1.4")
                .put("org.opencontainers.image.ref.name", "1.4");
        Map<String, byte[]> layout = ociLayout(annotations);

        Map<String, byte[]> sent = sent(LoadArchive.body(tar(layout), AMD64));

        assertThat(sent).containsAllEntriesOf(layout);
        JsonNode entry = manifestJson(sent).get(0);
        assertThat(sent).containsKey(entry.path("Config").asText());
        assertThat(entry.path("RepoTags").get(0).asText()).isEqualTo("registry.example:5000/team/app:1.4");
        assertThat(entry.path("Layers")).hasSize(1);
        assertThat(sent).containsKey(entry.path("Layers").get(0).asText());
    }

    @Test
    void aBareTagNamesNoImage() throws IOException {
        Map<String, byte[]> layout = ociLayout(JSON.createObjectNode().put("org.opencontainers.image.ref.name", "latest"));

        JsonNode entry = manifestJson(sent(LoadArchive.body(tar(layout), AMD64))).get(0);

        assertThat(entry.path("RepoTags")).isEmpty();
    }

    @Test
    void aFullReferenceInRefNameNamesTheImage() throws IOException {
        Map<String, byte[]> layout = ociLayout(JSON.createObjectNode().put("org.opencontainers.image.ref.name", "docker.io/library/busybox:1.36"));

        JsonNode entry = manifestJson(sent(LoadArchive.body(tar(layout), AMD64))).get(0);

        assertThat(entry.path("RepoTags").get(0).asText()).isEqualTo("busybox:1.36");
    }

    @Test
    void fromAMultiPlatformIndexOnlyTheWantedPlatformIsLoadedUnderTheIndexsName() throws IOException {
        Map<String, byte[]> layout = ociLayout(JSON.createObjectNode().put("io.containerd.image.name", "multi:1"),
                "linux/amd64", "linux/arm64");

        JsonNode entries = manifestJson(sent(LoadArchive.body(tar(layout), new Platform("linux", "arm64", "v8"))));

        assertThat(entries).hasSize(1);
        String config = entries.get(0).path("Config").asText();
        assertThat(new String(layout.get(config), StandardCharsets.UTF_8)).contains("linux/arm64");
        assertThat(entries.get(0).path("RepoTags").get(0).asText()).isEqualTo("multi:1");
    }

    @Test
    void anIndexWithoutTheWantedPlatformSaysSo() throws IOException {
        Path archive = tar(ociLayout(JSON.createObjectNode(), "linux/arm64"));

        assertThatThrownBy(() -> LoadArchive.body(archive, AMD64))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("no image for linux/amd64");
    }

    @Test
    void anOciDirectoryIsTarredOnTheFly() throws IOException {
        Map<String, byte[]> layout = ociLayout(JSON.createObjectNode().put("io.containerd.image.name", "app:2"));
        Path layoutDir = dir.resolve("layout");
        for (Map.Entry<String, byte[]> file : layout.entrySet()) {
            Files.createDirectories(layoutDir.resolve(file.getKey()).getParent());
            Files.write(layoutDir.resolve(file.getKey()), file.getValue());
        }

        RequestBody body = LoadArchive.body(layoutDir, AMD64);
        Map<String, byte[]> sent = sent(body);

        assertThat(body.isOneShot()).isTrue();
        assertThat(sent).containsAllEntriesOf(layout);
        assertThat(manifestJson(sent).get(0).path("RepoTags").get(0).asText()).isEqualTo("app:2");
    }

    @Test
    void somethingElseIsRefusedWithWhatWasExpected() throws IOException {
        Path archive = tar(Map.of("README", "hello".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> LoadArchive.body(archive, AMD64))
                .hasMessageContaining(archive.toString())
                .hasMessageContaining("neither a docker save archive (no manifest.json) nor an OCI image layout (no index.json)");
        assertThatThrownBy(() -> LoadArchive.body(dir.resolve("missing.tar"), AMD64))
                .hasMessageContaining("no such file or directory");
    }
}
