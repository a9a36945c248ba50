package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.FileChange;
import dev.stevedore.engine.internal.layer.UpperDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a container changed in its file system: {@code docker diff} (read from its overlay upper directory against
 * the image's layers) and {@code docker export} (its root file system as a tar).
 */
final class ContainerChanges {
    private final ContainerStore store;
    private final ContainerCopies copies;
    private final ContainerControls.Lookup lookup;

    ContainerChanges(ContainerStore store, ContainerCopies copies, ContainerControls.Lookup lookup) {
        this.store = store;
        this.copies = copies;
        this.lookup = lookup;
    }

    List<FileChange> changes(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = lookup.config(id);
        Path upper = store.directory(id).resolve("upper");
        if (!Files.isDirectory(upper)) {
            return List.of(); // never mounted: nothing changed yet
        }
        try {
            return UpperDirectory.changes(upper, config.layers().stream().map(Path::of).toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ContainerEngineException("reading the changes of container " + config.name() + " ("
                    + id.substring(0, 12) + ") from its upper directory " + upper + " failed: " + e.getMessage()
                    + " — was it removed meanwhile?", e);
        }
    }

    InputStream export(String reference) {
        String id = store.resolve(reference);
        return copies.export(id, lookup.config(id));
    }
}
