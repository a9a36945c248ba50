package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Layer stacks stored in a real {@link ContentStore}, as a pull leaves them, for snapshot tests. */
final class TestImages {
    /** Descriptors of stored layer blobs and the DiffIDs of their tars, bottom first. */
    record Stack(List<Descriptor> layers, List<Digest> diffIds) {
    }

    private TestImages() {
    }

    /** Stores each layer gzip-compressed (as registries serve them) and describes the stack. */
    static Stack store(ContentStore store, LayerBuilder... layers) throws IOException {
        List<Descriptor> descriptors = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (LayerBuilder layer : layers) {
            byte[] tar = layer.tar();
            byte[] blob = LayerBuilder.gzip(tar);
            Digest digest = Digest.of(blob);
            store.ingest(digest, blob.length, out -> out.write(blob));
            descriptors.add(new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, blob.length));
            diffIds.add(Digest.of(tar));
        }
        return new Stack(descriptors, diffIds);
    }

    /** A layer with {@code files} files of {@code size} bytes each under {@code dir}: work worth racing for. */
    static LayerBuilder bulky(String dir, int files, int size) {
        LayerBuilder layer = LayerBuilder.layer().dir(dir);
        byte[] content = new byte[size];
        for (int i = 0; i < files; i++) {
            content[0] = (byte) i;
            layer.file(dir + "/f" + i, content.clone(), e -> { });
        }
        return layer;
    }
}
