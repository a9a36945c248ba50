package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.store.RandomIds;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.VolumeInUseException;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeNotFoundException;
import dev.stevedore.engine.VolumeSpec;
import dev.stevedore.engine.internal.json.RecordJson;
import dev.stevedore.engine.internal.os.FileTrees;
import dev.stevedore.engine.internal.store.CrossProcessLock;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Volumes: {@code STATE/volumes/<name>/_data}, as Docker lays them out, beside {@code volume.json}
 * (labels, creation time); made by {@link #create}, on a container's first mount of the name, or for a mount
 * without a name ({@link #anonymous}: a generated name and Docker 23's {@link VolumeSpec#ANONYMOUS_LABEL}), and
 * kept until {@link #remove}d (containers come and go, their volumes stay, as with Docker). The anonymous volumes of
 * containers that go with their JVM live in memory instead ({@link MemoryStorage}'s {@code volumes/}), as their
 * containers do: a test's Postgres writes its data directory to memory. Both places are one set of names: listed,
 * inspected and removed alike.
 *
 * <p>Several JVMs share the directory: creation and removal hold {@code volumes/.lock}; a volume appears by one
 * rename of a complete directory and disappears by one rename to a {@code .trash-} name, so a reader without the
 * lock sees a volume whole or not at all.
 *
 * <p>"In use" is judged from the container records at the moment of removal: a container being created in
 * another thread or JVM has made its volume ({@link #named}) before its record exists, so a removal in that
 * window goes through and that container's start fails on the missing directory.
 */
final class Volumes {
    private static final String METADATA = "volume.json";
    private static final String TRASH_PREFIX = ".trash-";

    /** What {@code volume.json} holds. */
    record VolumeRecord(Map<String, String> labels, String createdAt) {
        VolumeRecord {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    private final Path root;
    /** Where the anonymous volumes of containers that go with their JVM live; null when they stay on disk. */
    private final Path memoryRoot;
    /** Deletes what a container's removal took away (a Postgres data directory: thousands of files), made on first use. */
    private java.util.concurrent.ExecutorService trashDeleter;

    /** The volumes of {@code stateDirectory}, with an in-memory place when {@link MemoryStorage} has one. */
    static Volumes of(Path stateDirectory) {
        return new Volumes(stateDirectory, MemoryStorage.root(stateDirectory).map(r -> r.resolve("volumes")).orElse(null));
    }

    /** Volumes on disk only. */
    Volumes(Path stateDirectory) {
        this(stateDirectory, null);
    }

    Volumes(Path stateDirectory, Path memoryRoot) {
        this.root = stateDirectory.resolve("volumes");
        this.memoryRoot = memoryRoot;
    }

    /** A volume as a container mounts it: its name and data directory. */
    record Mounted(String name, Path data) {
    }

    /**
     * A fresh anonymous volume, in memory when {@code inMemory} and there is a place there. Its name is new, so
     * nobody else can make or remove it before its container records it: no lock is taken (a disk one would cost a
     * test's container a journal write).
     */
    Mounted anonymous(boolean inMemory) {
        Path place = inMemory && memoryRoot != null ? memoryRoot : root;
        String name = generatedName();
        try {
            Files.createDirectories(place);
            make(place, name, new VolumeRecord(Map.of(VolumeSpec.ANONYMOUS_LABEL, ""), Instant.now().toString()));
            return new Mounted(name, place.resolve(name).resolve("_data"));
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create an anonymous volume in " + place + ": " + e
                    + " — check that the directory is writable", e);
        }
    }

    /**
     * Removes the anonymous volumes among {@code names} that no container mounts any more, as {@code docker rm -v}:
     * named ones stay, and one still in use (another container got it with {@code --volumes-from}) stays silently.
     *
     * @return the names of those removed
     */
    List<String> removeAnonymous(List<String> names, Function<String, List<String>> users) {
        List<String> removed = new ArrayList<>();
        for (String name : names) {
            if (validName(name).flatMap(this::read).filter(v -> v.labels().containsKey(VolumeSpec.ANONYMOUS_LABEL)).isEmpty()) {
                continue;
            }
            try {
                if (remove(name, true, users, true)) {
                    removed.add(name);
                }
            } catch (VolumeInUseException stillMounted) {
                // Docker's rule: a volume in use by another container is not removed, and that is no error
            }
        }
        return removed;
    }

    /**
     * The volumes the container mounts that it did not name, as dockerd tells them for {@code rm -v}: those of its
     * anonymous mounts, of its image's {@code VOLUME}s and those it got with {@code --volumes-from} (dockerd copies how
     * they were asked for), not one it named (even a generated name). {@link #removeAnonymous} still checks each is
     * an anonymous volume.
     */
    static List<String> unnamedMounts(ContainerRecord config) {
        java.util.Set<String> named = new java.util.HashSet<>();
        config.spec().mounts().stream().filter(m -> m.type() == dev.stevedore.engine.Mount.Type.VOLUME && !m.source().isEmpty())
                .forEach(m -> named.add(ContainerConfigs.normalize(m.target())));
        return config.mounts().stream().filter(m -> m.type().equals("volume") && !m.volume().isEmpty()
                && !named.contains(ContainerConfigs.normalize(m.target()))).map(ContainerRecord.MountRecord::volume).toList();
    }

    /**
     * Waits for the background deletions to finish, then removes the in-memory place when nothing is left in it, as
     * the container store does with its own.
     */
    void close() {
        java.util.concurrent.ExecutorService deleter;
        synchronized (this) {
            deleter = trashDeleter;
        }
        if (deleter != null) {
            deleter.shutdown();
            try {
                deleter.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (memoryRoot != null) {
            MemoryStorage.removeIfEmpty(memoryRoot);
        }
    }

    /** Deletes what removals in JVMs that ended first left behind. */
    void sweepTrash() {
        for (Path place : memoryRoot == null ? List.of(root) : List.of(memoryRoot, root)) {
            try (DirectoryStream<Path> trash = Files.newDirectoryStream(place, TRASH_PREFIX + "*")) {
                trash.forEach(Volumes::deleteQuietly);
            } catch (IOException e) {
                // no such place: nothing to sweep
            }
        }
    }

    private void deleteLater(Path trash) {
        java.util.concurrent.ExecutorService deleter;
        synchronized (this) {
            if (trashDeleter == null) {
                trashDeleter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "stevedore-volume-trash");
                    t.setDaemon(true);
                    return t;
                });
            }
            deleter = trashDeleter;
        }
        try {
            deleter.execute(() -> deleteQuietly(trash));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            deleteQuietly(trash);
        }
    }

    private static void deleteQuietly(Path trash) {
        try {
            FileTrees.deleteRecursively(trash);
        } catch (IOException e) {
            // left for the next sweep
        }
    }

    /** The data directory of volume {@code name}, created (without labels) when it does not exist yet. */
    Path named(String name) {
        try {
            VolumeSpec.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("invalid volume name: " + e.getMessage(), e);
        }
        Path data = directory(name).resolve("_data");
        if (Files.isDirectory(data)) {
            return data;
        }
        return Path.of(create(new VolumeSpec(name, Map.of())).mountpoint());
    }

    /** Creates the volume, or returns the one of that name as it is. */
    VolumeInfo create(VolumeSpec spec) {
        String name = spec.name() != null ? spec.name() : generatedName();
        try (CrossProcessLock ignored = lock()) {
            Optional<VolumeInfo> existing = read(name);
            if (existing.isPresent()) {
                return existing.get();
            }
            make(root, name, new VolumeRecord(spec.labels(), Instant.now().toString()));
            return read(name).orElseThrow(() -> new IOException("the volume vanished right after it was made"));
        } catch (AtomicMoveNotSupportedException e) {
            throw new ContainerEngineException("cannot create the volume \"" + name + "\" in " + root
                    + ": the file system cannot rename atomically", e);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create the volume \"" + name + "\" in " + root + ": " + e
                    + " — check that the state directory is writable", e);
        }
    }

    /** The volume called {@code name}. */
    VolumeInfo inspect(String name) {
        return validName(name).flatMap(this::read).orElseThrow(() -> new VolumeNotFoundException(name));
    }

    /** The volumes (named and anonymous, on disk and in memory) carrying all of {@code labels}, by name. */
    List<VolumeInfo> list(Map<String, String> labels) {
        List<VolumeInfo> volumes = new ArrayList<>();
        for (Path place : memoryRoot == null ? List.of(root) : List.of(memoryRoot, root)) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(place)) {
                for (Path entry : entries) {
                    validName(entry.getFileName().toString()).flatMap(this::read)
                            .filter(v -> ContainerStore.matches(v.labels(), labels)).ifPresent(volumes::add);
                }
            } catch (IOException e) {
                throw new ContainerEngineException("cannot list the volumes in " + place + ": " + e, e);
            }
        }
        volumes.sort(Comparator.comparing(VolumeInfo::name));
        return volumes;
    }

    /**
     * Removes the volume and its data unless a container mounts it.
     *
     * @param users the names of the containers (any state) that mount a named volume
     * @return whether there was such a volume (false only with {@code force})
     */
    boolean remove(String name, boolean force, Function<String, List<String>> users) {
        return remove(name, force, users, false);
    }

    /** @param inBackground the data is deleted after the volume is gone from every view, on a thread of its own */
    private boolean remove(String name, boolean force, Function<String, List<String>> users, boolean inBackground) {
        try (CrossProcessLock ignored = lock()) {
            if (validName(name).flatMap(this::read).isEmpty()) {
                if (force) {
                    return false;
                }
                throw new VolumeNotFoundException(name);
            }
            List<String> mounting = users.apply(name);
            if (!mounting.isEmpty()) {
                throw new VolumeInUseException(name, mounting);
            }
            Path dir = directory(name);
            Path trash = dir.resolveSibling(TRASH_PREFIX + name + "-" + RandomIds.uniqueName());
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            if (inBackground) {
                deleteLater(trash);
            } else {
                FileTrees.deleteRecursively(trash);
            }
            return true;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot remove the volume \"" + name + "\" in " + root + ": " + e
                    + " — what is left of it is under " + root, e);
        }
    }

    /** Makes a complete volume directory appear under {@code place} in one rename. */
    private static void make(Path place, String name, VolumeRecord record) throws IOException {
        Path staging = place.resolve(".new-" + RandomIds.uniqueName());
        try {
            Files.createDirectories(staging.resolve("_data"));
            Files.write(staging.resolve(METADATA), RecordJson.write(record));
            Files.move(staging, place.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            FileTrees.deleteRecursively(staging);
        }
    }

    /** Where volume {@code name} is: in memory when it is there, else on disk (where it may not exist). */
    private Path directory(String name) {
        if (memoryRoot != null) {
            Path inMemory = memoryRoot.resolve(name);
            if (Files.isDirectory(inMemory)) {
                return inMemory;
            }
        }
        return root.resolve(name);
    }

    private CrossProcessLock lock() throws IOException {
        Files.createDirectories(root);
        return CrossProcessLock.acquire(root.resolve(".lock"));
    }

    private static Optional<String> validName(String name) {
        try {
            return Optional.of(VolumeSpec.checkName(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<VolumeInfo> read(String name) {
        Path dir = directory(name);
        Path data = dir.resolve("_data");
        if (!Files.isDirectory(data)) {
            return Optional.empty();
        }
        VolumeRecord record;
        try {
            record = RecordJson.read(Files.readAllBytes(dir.resolve(METADATA)), VolumeRecord.class);
        } catch (IOException e) {
            record = legacyRecord(dir); // made on a first mount before volumes had metadata
        }
        Instant created;
        try {
            created = record.createdAt() == null ? null : Instant.parse(record.createdAt());
        } catch (java.time.format.DateTimeParseException e) {
            created = null;
        }
        return Optional.of(new VolumeInfo(name, record.labels(), data.toString(), created));
    }

    private static VolumeRecord legacyRecord(Path dir) {
        try {
            return new VolumeRecord(Map.of(), Files.readAttributes(dir, BasicFileAttributes.class).creationTime().toInstant().toString());
        } catch (IOException gone) {
            return new VolumeRecord(Map.of(), null);
        }
    }

    private static String generatedName() {
        return RandomIds.newId();
    }

    /** Whether a volume's data directory holds nothing: then it takes the image's content (Docker's copy-up). */
    static boolean isEmpty(Path data) {
        try (Stream<Path> entries = Files.list(data)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
