package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.FileChange;
import dev.stevedore.engine.internal.build.ContainerCommit;
import dev.stevedore.engine.internal.layer.UpperDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What a container changed in its file system: {@code docker diff} (read from its overlay upper directory against
 * the image's layers) and {@code docker export} (its root file system as a tar).
 */
final class ContainerChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerChanges.class);

    private final ContainerStore store;
    private final ContainerCopies copies;
    private final ContainerControls.Lookup lookup;
    private final ContainerControls controls;
    /** Rootless: the diff read again inside the user's namespace when the kernel refuses this JVM; null as root. */
    private final NamespacedFiles inNamespace;

    ContainerChanges(ContainerStore store, ContainerCopies copies, ContainerControls.Lookup lookup,
                     ContainerControls controls, NamespacedFiles inNamespace) {
        this.store = store;
        this.inNamespace = inNamespace;
        this.copies = copies;
        this.lookup = lookup;
        this.controls = controls;
    }

    private static ContainerEngineException failure(String id, ContainerRecord config, Path upper, IOException e) {
        return new ContainerEngineException("reading the changes of container " + config.name() + " ("
                + id.substring(0, 12) + ") from its upper directory " + upper + " failed: " + e.getMessage()
                + " — was it removed meanwhile?", e);
    }

    List<FileChange> changes(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = lookup.config(id);
        Path upper = store.directory(id).resolve("upper");
        if (!Files.isDirectory(upper)) {
            return List.of(); // never mounted: nothing changed yet
        }
        List<Path> layers = config.layers().stream().map(Path::of).toList();
        try {
            try {
                return UpperDirectory.changes(upper, layers);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        } catch (IOException e) {
            if (inNamespace == null || !NamespacedFiles.refused(e)) {
                throw failure(id, config, upper, e);
            }
            // a directory private to another user of the container: read as the namespace's root
            try {
                return inNamespace.changes(upper, layers);
            } catch (IOException again) {
                throw failure(id, config, upper, again);
            }
        }
    }

    /**
     * {@code docker commit}: hands the container to {@code committer} (the image builder's commit), paused meanwhile
     * when it runs and the spec asks for it, so the layer is read from a file system nothing writes to. Returns what
     * {@code committer} returns (the new image's manifest digest).
     */
    <T> T commit(String reference, CommitSpec spec, BiFunction<ContainerCommit.Source, CommitSpec, T> committer) {
        String id = store.resolve(reference);
        ContainerRecord config = lookup.config(id);
        StateRecord state = lookup.state(id);
        ContainerInfo info = lookup.info(id, config, state);
        ContainerCommit.Source source = new ContainerCommit.Source(config.name(), config.manifestDigest(),
                store.directory(id).resolve("upper"), config.spec(), info.env(), info.labels());
        boolean pause = spec.pause() && info.state().running() && !info.state().paused();
        if (pause && !controls.freezable(id)) {
            // Podman's way (its commit never pauses unless asked): refusing would leave a rootless user on cgroup v1
            // no commit at all, as rootless dockerd there does; the default is Docker's, the freezer is the host's
            LOG.warn("committing container {} without pausing it: it has no cgroup freezer (a rootless container on"
                    + " cgroup v1); what it writes meanwhile may be caught half-written", config.name());
            pause = false;
        }
        if (pause) {
            controls.pause(id, true);
        }
        try {
            return committer.apply(source, spec);
        } finally {
            if (pause) {
                controls.pause(id, false);
            }
        }
    }

    InputStream export(String reference) {
        String id = store.resolve(reference);
        return copies.export(id, lookup.config(id));
    }
}
