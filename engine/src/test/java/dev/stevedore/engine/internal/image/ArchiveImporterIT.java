package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.registry.RegistryClient;
import dev.stevedore.engine.internal.registry.ResolvedImage;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ArchiveImporter} on the test bed's busybox archives, written by skopeo as docker save and OCI archives. */
class ArchiveImporterIT {
    final Testbed bed = Testbed.get();
    @TempDir
    Path tmp;
    ContentStore store;

    @BeforeEach
    void createStore() {
        store = new ContentStore(tmp.resolve("store"));
    }

    /** Every blob the image needs is in the store and hashes to its name. */
    private void assertVerifiedInStore(ImportedImage image) throws IOException {
        List<Digest> blobs = new ArrayList<>();
        blobs.add(image.manifestDigest());
        blobs.add(image.manifest().config().digest());
        image.manifest().layers().forEach(layer -> blobs.add(layer.digest()));
        for (Digest blob : blobs) {
            assertThat(Digest.of(store.readBlob(blob))).isEqualTo(blob);
        }
        ImageConfigDocument config = ImageConfigDocument.parse(store.readBlob(image.manifest().config().digest()));
        assertThat(config.diffIds()).hasSameSizeAs(image.manifest().layers());
        assertThat(ImageManifest.parse(store.readBlob(image.manifestDigest()), image.manifest().mediaType())).isEqualTo(image.manifest());
    }

    @Test
    void importsTheDockerSaveArchive() throws IOException {
        List<ImportedImage> images = ArchiveImporter.importArchive(bed.busyboxDockerArchive(), store);

        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image.reference()).hasToString("docker.io/library/busybox:latest");
            assertThat(image.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
            assertThat(image.manifest().layers()).extracting(Descriptor::mediaType).containsOnly(MediaTypes.DOCKER_LAYER_TAR);
        });
        assertVerifiedInStore(images.get(0));
        // an uncompressed layer's digest is its diff id
        ImageConfigDocument config = ImageConfigDocument.parse(store.readBlob(images.get(0).manifest().config().digest()));
        assertThat(images.get(0).manifest().layers()).extracting(Descriptor::digest).isEqualTo(config.diffIds());
    }

    @Test
    void importsTheOciArchive() throws IOException {
        List<ImportedImage> images = ArchiveImporter.importArchive(bed.busyboxOciArchive(), store);

        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image.name()).isEqualTo("latest");
            assertThat(image.reference()).as("the layout names only a tag").isNull();
        });
        assertVerifiedInStore(images.get(0));
    }

    @Test
    void bothArchivesAndTheRegistryAgreeOnTheImage() throws IOException {
        Digest fromDockerArchive = ArchiveImporter.importArchive(bed.busyboxDockerArchive(), store).get(0).manifest().config().digest();
        ImportedImage fromOci = ArchiveImporter.importArchive(bed.busyboxOciArchive(), store).get(0);
        EngineSettings settings = new EngineSettings(tmp.resolve("state"), List.of(), Set.of(), tmp.resolve("docker"),
                List.of(), Platform.host());
        try (RegistryClient client = new RegistryClient(settings)) {
            ResolvedImage pulled = client.resolve(ImageReference.parse(bed.plainRegistry() + "/library/busybox:latest"), Platform.host());

            assertThat(fromDockerArchive).isEqualTo(pulled.manifest().config().digest());
            assertThat(fromOci.manifest().config().digest()).isEqualTo(pulled.manifest().config().digest());
            assertThat(fromOci.manifest().layers()).extracting(Descriptor::digest)
                    .isEqualTo(pulled.manifest().layers().stream().map(Descriptor::digest).toList());
        }
    }
}
