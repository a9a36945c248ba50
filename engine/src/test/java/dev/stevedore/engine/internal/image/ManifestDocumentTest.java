package dev.stevedore.engine.internal.image;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestDocumentTest {
    static final String CONFIG_DIGEST = "sha256:" + "a".repeat(64);
    static final String LAYER_DIGEST = "sha256:" + "b".repeat(64);
    static final String AMD64_DIGEST = "sha256:" + "c".repeat(64);

    static final String DOCKER_MANIFEST = """
            {"schemaVersion": 2,
             "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
             "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469, "digest": "%s"},
             "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2479, "digest": "%s"}],
             "somethingNew": {"ignored": true}}
            """.formatted(CONFIG_DIGEST, LAYER_DIGEST);

    static final String OCI_INDEX = """
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 7143, "digest": "%s",
                            "platform": {"architecture": "amd64", "os": "linux"}}],
             "annotations": {"org.opencontainers.image.ref.name": "1.36"}}
            """.formatted(AMD64_DIGEST);

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsDockerManifestAndIgnoresUnknownFields() {
        ManifestDocument document = ManifestDocument.parse(bytes(DOCKER_MANIFEST), MediaTypes.DOCKER_MANIFEST);

        assertThat(document).isInstanceOf(ImageManifest.class);
        ImageManifest manifest = (ImageManifest) document;
        assertThat(manifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(manifest.config().digest().toString()).isEqualTo(CONFIG_DIGEST);
        assertThat(manifest.config().size()).isEqualTo(1469);
        assertThat(manifest.layers()).singleElement().satisfies(layer -> {
            assertThat(layer.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
            assertThat(layer.digest().toString()).isEqualTo(LAYER_DIGEST);
        });
        assertThat(manifest.totalSize()).isEqualTo(1469 + 2479);
        assertThat(manifest.requireRunnable()).isSameAs(manifest);
    }

    @Test
    void readsOciIndexWithPlatformsAndAnnotations() {
        ManifestList index = ManifestList.parse(bytes(OCI_INDEX), "application/vnd.oci.image.index.v1+json; charset=utf-8");

        assertThat(index.manifests()).singleElement().satisfies(entry -> {
            assertThat(entry.platform().toString()).isEqualTo("linux/amd64");
            assertThat(entry.size()).isEqualTo(7143);
        });
        assertThat(index.annotations()).containsEntry("org.opencontainers.image.ref.name", "1.36");
    }

    @Test
    void infersTheTypeFromFieldsWhenNeitherBodyNorHeaderNamesIt() {
        String withoutMediaType = OCI_INDEX.replace("\"mediaType\": \"application/vnd.oci.image.index.v1+json\",", "");

        assertThat(ManifestDocument.parse(bytes(withoutMediaType), "application/json").mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        String ociManifest = DOCKER_MANIFEST.replace("\"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",", "");
        assertThat(ManifestDocument.parse(bytes(ociManifest), null).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void refusesSchema1ByContentType() {
        assertThatThrownBy(() -> ManifestDocument.parse(bytes("{}"), MediaTypes.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("schema 1")
                .hasMessageContaining("push the image again");
    }

    @Test
    void refusesSchema1ByVersion() {
        assertThatThrownBy(() -> ManifestDocument.parse(bytes("{\"schemaVersion\": 1, \"name\": \"x\", \"fsLayers\": []}"), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("schema 1");
    }

    @Test
    void refusesABodyWhoseMediaTypeDiffersFromItsContentType() {
        assertThatThrownBy(() -> ManifestDocument.parse(bytes(DOCKER_MANIFEST), MediaTypes.OCI_INDEX))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage("the document says its mediaType is " + MediaTypes.DOCKER_MANIFEST
                        + " but it was served as " + MediaTypes.OCI_INDEX + "; a mismatch like this is refused");
    }

    @Test
    void refusesAmbiguousDocumentsWithManifestsAndLayers() {
        String ambiguous = """
                {"schemaVersion": 2, "manifests": [],
                 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 1, "digest": "%s"},
                 "layers": []}
                """.formatted(CONFIG_DIGEST);

        assertThatThrownBy(() -> ManifestDocument.parse(bytes(ambiguous), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("CVE-2021-41190");
    }

    @Test
    void refusesDocumentsOverFourMebibytes() {
        byte[] huge = new byte[ManifestDocument.MAX_SIZE + 1];

        assertThatThrownBy(() -> ManifestDocument.parse(huge, MediaTypes.OCI_MANIFEST))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("more than the 4194304 bytes accepted");
    }

    @Test
    void refusesDigestsThatCouldBePaths() {
        String traversal = DOCKER_MANIFEST.replace(LAYER_DIGEST, "sha256:../../../etc/passwd");

        assertThatThrownBy(() -> ManifestDocument.parse(bytes(traversal), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith("layers[0]: digest \"sha256:../../../etc/passwd\" is not 64 lowercase hex digits");
    }

    @Test
    void refusesNegativeSizes() {
        String negative = DOCKER_MANIFEST.replace("\"size\": 2479", "\"size\": -1");

        assertThatThrownBy(() -> ManifestDocument.parse(bytes(negative), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage("layers[0]: \"size\" must be a non-negative integer");
    }

    @Test
    void refusesManifestsWithoutConfig() {
        String noConfig = "{\"schemaVersion\": 2, \"mediaType\": \"" + MediaTypes.OCI_MANIFEST + "\", \"layers\": []}";

        assertThatThrownBy(() -> ManifestDocument.parse(bytes(noConfig), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("needs both \"config\" and \"layers\"");
    }

    @Test
    void refusesUnknownDocumentTypes() {
        String artifactManifest = "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.artifact.manifest.v1+json\"}";

        assertThatThrownBy(() -> ManifestDocument.parse(bytes(artifactManifest), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("is neither an image manifest nor an index");
    }

    @Test
    void refusesNonJson() {
        assertThatThrownBy(() -> ManifestDocument.parse(bytes("<html>"), "text/html"))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith("the manifest is not valid JSON");
    }

    @Test
    void expectingAManifestButGettingAnIndexIsAnError() {
        assertThatThrownBy(() -> ImageManifest.parse(bytes(OCI_INDEX), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage("expected an image manifest but found an index (" + MediaTypes.OCI_INDEX + ")");
    }

    @Test
    void artifactsAreNotRunnable() {
        String helmChart = DOCKER_MANIFEST.replace(MediaTypes.DOCKER_CONFIG, "application/vnd.cncf.helm.config.v1+json");
        ImageManifest manifest = ImageManifest.parse(bytes(helmChart), null);

        assertThatThrownBy(manifest::requireRunnable)
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("not a runnable container image")
                .hasMessageContaining("application/vnd.cncf.helm.config.v1+json");
    }

    @Test
    void unknownLayerTypesAreNotRunnable() {
        String wasm = DOCKER_MANIFEST.replace(MediaTypes.DOCKER_LAYER_GZIP, "application/wasm");
        ImageManifest manifest = ImageManifest.parse(bytes(wasm), null);

        assertThatThrownBy(manifest::requireRunnable)
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("layer 0 has media type application/wasm");
    }
}
