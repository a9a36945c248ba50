package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.store.RandomIds;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.internal.embedded.ContainerRecord.MountRecord;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.runtime.IdMapping;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Files in and out of containers ({@link ContainerFiles} does the copying), and Docker's copy-up of image
 * content into empty volumes. A running container is reached through its own process's root; a stopped
 * or created one through a helper: a launcher that sets the container's file system up as a start would
 * (overlay, volumes, binds) and stays at the barrier, so no code of the image ever runs for a copy.
 */
final class ContainerCopies {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerCopies.class);
    /** How long an ended process's exit may take to be recorded (its supervisor writes it as it reaps it). */
    private static final Duration EXIT_BEING_RECORDED = Duration.ofSeconds(5);

    private final ContainerStore store;
    private final Supplier<Launcher> launcher;
    private final Function<String, StateRecord> currentState;
    /** Waits at most the given time for a container's run to end (its exit known to the engine); its state then. */
    private final BiFunction<String, Duration, ContainerState> awaitEnd;
    private final Path temp;
    private final CopyUp copyUp;
    /** Rootless: the same work inside the user's namespace, for what the kernel refuses this JVM; null as root. */
    private final NamespacedFiles inNamespace;

    /**
     * How an image's content at a mount point lands in an empty volume, chosen once by the engine's mode: the
     * rootful engine copies in this JVM ({@code inJvm}); a rootless one copies inside the user's namespace, where the
     * image's owners are mapped.
     */
    interface CopyUp {
        /**
         * Copies what {@code helper}'s root (also open as {@code root}) holds at {@code target} into {@code volume};
         * nothing when there is nothing there.
         */
        void copy(ProcessIdentity helper, int root, String target, Path volume) throws IOException;
    }

    ContainerCopies(ContainerStore store, Supplier<Launcher> launcher, Function<String, StateRecord> currentState,
                    BiFunction<String, Duration, ContainerState> awaitEnd, Path temp, Function<CopyUp, CopyUp> copyUp,
                    NamespacedFiles inNamespace) {
        this.store = store;
        this.inNamespace = inNamespace;
        this.launcher = launcher;
        this.currentState = currentState;
        this.awaitEnd = awaitEnd;
        this.temp = temp;
        this.copyUp = copyUp.apply(this::copyInJvm);
    }

    void copyTo(String id, ContainerRecord config, String directory, InputStream tar) {
        try {
            // compressed as a client may send it (docker cp of a .tar.gz, dockerd's PUT accepts it)
            InputStream plain = dev.stevedore.engine.internal.layer.ArchiveCompression.decompressed(tar);
            if (inNamespace == null) {
                withFiles(id, config, (files, process) -> files.extract(directory, plain));
                return;
            }
            // rootless: kept in a file first, so that what the kernel refuses this JVM is extracted again in the namespace
            Path archive = Files.createTempFile(tempDirectory(), "copy-in-", ".tar");
            try {
                try (OutputStream out = Files.newOutputStream(archive)) {
                    plain.transferTo(out);
                }
                withFiles(id, config, (files, process) -> {
                    try (InputStream in = Files.newInputStream(archive)) {
                        files.extract(directory, in);
                    } catch (IOException e) {
                        if (!NamespacedFiles.refused(e)) {
                            throw e;
                        }
                        inNamespace.extract(process, directory, archive);
                    }
                });
            } finally {
                deleteQuietly(archive);
            }
        } catch (IOException e) {
            throw new ContainerEngineException("copy into " + config.name() + ":" + directory + " failed: " + e.getMessage(), e);
        }
    }

    InputStream copyFrom(String id, ContainerRecord config, String path) {
        try {
            return spooled(id, config, (files, out) -> files.archive(path, null, out),
                    (process, archive) -> inNamespace.archive(process, path, archive));
        } catch (NoSuchFileException e) {
            throw new ContainerEngineException("cannot copy " + path + " out of container " + config.name()
                    + ": no such file or directory in the container", e);
        } catch (IOException e) {
            throw new ContainerEngineException("copy of " + config.name() + ":" + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The attributes of {@code path} in the container, or empty when nothing is there. */
    Optional<ContainerPathStat> stat(String id, ContainerRecord config, String path) {
        List<Optional<ContainerPathStat>> found = new ArrayList<>(1);
        try {
            withFiles(id, config, (files, process) -> {
                try {
                    found.add(files.stat(path));
                } catch (IOException e) {
                    if (inNamespace == null || !NamespacedFiles.refused(e)) {
                        throw e;
                    }
                    found.add(inNamespace.stat(process, path));
                }
            });
        } catch (IOException e) {
            throw new ContainerEngineException("reading the attributes of " + config.name() + ":" + path + " failed: "
                    + e.getMessage(), e);
        }
        return found.get(0);
    }

    /** {@code docker export}: the container's root file system, without what is mounted on it, as a tar. */
    InputStream export(String id, ContainerRecord config) {
        try {
            return spooled(id, config, (files, out) -> files.export(out), (process, archive) -> inNamespace.export(process, archive));
        } catch (IOException e) {
            throw new ContainerEngineException("export of container " + config.name() + " failed: " + e.getMessage(), e);
        }
    }

    private interface TarWriter {
        void write(ContainerFiles files, OutputStream out) throws IOException;
    }

    /** The same tar written inside the user's namespace into {@code archive}, over what the JVM began there. */
    private interface NamespaceTarWriter {
        void write(ProcessIdentity process, Path archive) throws IOException;
    }

    /**
     * A tar {@code writer} makes of the container's files, spooled to a temporary file: the container's file system
     * is let go (a helper ended, a start no longer held off) before the caller reads at its own pace. Rootless, what
     * the kernel refuses this JVM is written again by {@code inNamespaceWriter}.
     */
    private InputStream spooled(String id, ContainerRecord config, TarWriter writer, NamespaceTarWriter inNamespaceWriter)
            throws IOException {
        Path archive = Files.createTempFile(tempDirectory(), "copy-", ".tar");
        try {
            withFiles(id, config, (files, process) -> {
                try (OutputStream out = Files.newOutputStream(archive)) {
                    writer.write(files, out);
                } catch (IOException e) {
                    if (inNamespace == null || !NamespacedFiles.refused(e)) {
                        throw e;
                    }
                    inNamespaceWriter.write(process, archive);
                }
            });
            return new DeletingInputStream(archive);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(archive);
            throw e;
        }
    }

    private interface FilesAction {
        /** {@code process} is the one whose root {@code files} reaches (the container's first process, or a helper). */
        void run(ContainerFiles files, ProcessIdentity process) throws IOException;
    }

    /**
     * Runs {@code action} on the container's file system as the container sees it: through its running
     * process's root, or, when it does not run, through a helper that mounts it as a start would (with
     * its volumes) and stops at the barrier, never running the image's code. The lock keeps a start of
     * the container out meanwhile (one overlay per upper directory).
     */
    private void withFiles(String id, ContainerRecord config, FilesAction action) throws IOException {
        withFiles(id, config, action, false);
    }

    private void withFiles(String id, ContainerRecord config, FilesAction action, boolean retried) throws IOException {
        StateRecord state = currentState.apply(id);
        if (state.running()) {
            ProcessIdentity process = new ProcessIdentity(state.pid(), state.pidStart());
            int root;
            try {
                root = ContainerFiles.openRoot(process);
            } catch (IOException e) {
                // Its process ended an instant ago (a zombie's /proc/PID/root is gone) and the engine has not yet
                // learnt its exit: once it has, the files are reached as a stopped container's, as dockerd does.
                // Once only: a container that runs again (a restart policy) is reached through its new process.
                if (retried || awaitEnd.apply(id, EXIT_BEING_RECORDED).running()) {
                    throw e;
                }
                withFiles(id, config, action, true);
                return;
            }
            try {
                action.run(new ContainerFiles(root, owners()), process);
                return;
            } finally {
                Libc.close(root);
            }
        }
        CrossProcessLock lock = store.lock(id);
        try {
            if (currentState.apply(id).running()) {
                throw new IOException("container " + config.name() + " was started meanwhile; try again");
            }
            try (Helper helper = helper(store.directory(id), config, true)) {
                action.run(helper.files(), helper.identity);
            }
        } finally {
            ContainerStore.closeQuietly(lock);
        }
    }

    /** A container's file system mounted by a launcher held at the barrier: its root, until closed. */
    private final class Helper implements AutoCloseable {
        private final ContainerProcess process;
        private final ProcessIdentity identity;
        private final Path directory;
        private final int root;

        Helper(ContainerProcess process, ProcessIdentity identity, Path directory, int root) {
            this.process = process;
            this.identity = identity;
            this.directory = directory;
            this.root = root;
        }

        ContainerFiles files() {
            return new ContainerFiles(root, owners());
        }

        @Override
        public void close() {
            Libc.close(root);
            process.close();
            try {
                OrphanReaper.delete(directory);
            } catch (IOException e) {
                LOG.debug("cannot delete the helper directory {}: {}", directory, e.toString());
            }
        }
    }

    private Helper helper(Path dir, ContainerRecord config, boolean withMounts) throws IOException {
        Path helperDir = dir.resolve(".helper-" + RandomIds.uniqueName());
        RuntimeSpec.Builder builder = RuntimeSpec.builder(helperDir, store.rootLayers(config), List.of("true"))
                .upperDirectory(dir.resolve("upper"))
                .workDirectory(dir.resolve("work"))
                // the namespace the launcher cloned ahead: joining the host's would need privileges a rootless one lacks
                .network(RuntimeSpec.NetworkMode.NONE_LOOPBACK)
                .readonlyRootfs(config.readOnlyRootfs());
        if (withMounts) {
            ContainerStart.addMounts(builder, config);
        }
        ContainerProcess process = launcher.get().start(builder.build());
        try {
            ProcessIdentity identity = ProcessIdentity.of(process.pid()).orElseThrow(
                    () -> new IOException("the helper process of container " + config.name() + " ended at once"));
            return new Helper(process, identity, helperDir, ContainerFiles.openRoot(identity));
        } catch (IOException | RuntimeException e) {
            process.close();
            OrphanReaper.delete(helperDir);
            throw e;
        }
    }

    /** Rootless: the ids the container sees for those this JVM reads from outside its namespace. Null as root. */
    private IdMapping owners() {
        return inNamespace == null ? null : inNamespace.owners();
    }

    private Path tempDirectory() throws IOException {
        return Files.createDirectories(temp);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file in the state directory: the next open sweeps it
            }
        }
    }

    /** A temporary archive that deletes itself when the caller closes it. */
    private static final class DeletingInputStream extends FilterInputStream {
        private final Path file;

        DeletingInputStream(Path file) throws IOException {
            super(Files.newInputStream(file));
            this.file = file;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Docker's copy-up: an empty volume takes what the image has at its mount point, owner and mode included. */
    void copyUp(Path dir, ContainerRecord config) throws IOException {
        List<MountRecord> empty = new ArrayList<>();
        for (MountRecord mount : config.mounts()) {
            if (mount.type().equals("volume") && Volumes.isEmpty(Path.of(mount.source()))
                    && config.layers().stream().anyMatch(l -> Files.exists(Path.of(l, mount.target().substring(1)),
                            java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
                empty.add(mount);
            }
        }
        if (empty.isEmpty()) {
            return;
        }
        try (Helper helper = helper(dir, config, false)) {
            for (MountRecord mount : empty) {
                copyUp.copy(helper.identity, helper.root, mount.target(), Path.of(mount.source()));
            }
        }
    }

    /** The rootful copy-up: the content archived from the helper's root and extracted into the volume by this JVM. */
    private void copyInJvm(ProcessIdentity helper, int root, String target, Path volume) throws IOException {
        Path archive = Files.createTempFile(tempDirectory(), "copy-up-", ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(archive)) {
                new ContainerFiles(root).archive(target, ".", out);
            } catch (NoSuchFileException e) {
                return; // whited out in a higher layer: nothing to copy
            }
            int fd = Libc.open(volume.toString(), Libc.O_PATH | Libc.O_DIRECTORY);
            try (InputStream in = Files.newInputStream(archive)) {
                new ContainerFiles(fd).extract("/", in);
            } finally {
                Libc.close(fd);
            }
        } finally {
            Files.deleteIfExists(archive);
        }
    }
}
