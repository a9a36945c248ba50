package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.json.RecordJson;
import dev.stevedore.engine.internal.store.RandomIds;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.internal.runtime.OrphanReaper;
import dev.stevedore.engine.internal.store.CrossProcessLock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The containers' part of the state directory, shared by every JVM that opens it:
 * {@code containers/<64 hex id>/} with {@code config.json} and {@code state.json} (each replaced
 * atomically, so a reader never sees half a file) and {@code lock} (held across JVMs for a transition),
 * and {@code container-names/<name>} holding the id that owns the name: created with
 * {@code O_EXCL}, so two JVMs can never both take one name.
 *
 * <p>A container that goes with its JVM has its directory in memory instead ({@link MemoryStorage}): the
 * store looks for an id there first, then on disk.
 *
 * <p>Removal renames the container's directory to {@code .trash-*} beside it first, so it disappears
 * from every view at once; the rename's leftovers are swept at the next open.
 */
final class ContainerStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    /** Docker's rule for container names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final String TRASH_PREFIX = ".trash-";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerStore.class);

    private final Path root;
    private final Path seccompCache;
    private final Path initLayer;
    /** Where containers that go with their JVM live; null when every container is on disk. */
    private final Path memoryRoot;
    private final Path names;
    private final java.util.concurrent.ExecutorService trashDeleter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stevedore-container-trash");
        t.setDaemon(true);
        return t;
    });

    ContainerStore(Path stateDirectory) {
        this(stateDirectory, null);
    }

    /** @param memoryRoot where containers that go with their JVM live, or null to keep every container on disk */
    ContainerStore(Path stateDirectory, Path memoryRoot) {
        this.root = stateDirectory.resolve("containers");
        this.memoryRoot = memoryRoot;
        this.names = stateDirectory.resolve("container-names");
        this.seccompCache = stateDirectory.resolve("seccomp");
        this.initLayer = stateDirectory.resolve("init-layer");
        try {
            Files.createDirectories(root);
            Files.createDirectories(names);
            createInitLayer();
            if (memoryRoot != null) {
                Files.createDirectories(memoryRoot);
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create the container directories in " + stateDirectory + ": "
                    + e.getMessage() + " — check that the state directory is writable", e);
        }
    }

    Path root() {
        return root;
    }

    /** Where compiled seccomp programs are kept for the engines on this state directory (see SeccompPolicy). */
    Path seccompCache() {
        return seccompCache;
    }

    /**
     * The layers of {@code config}'s root file system, bottom first: its image's, then the init layer. As dockerd's
     * init layer, that one holds what every container has and no image made from it gets: an empty {@code /.dockerenv},
     * by which programs tell that they run in a container. Being a lower layer, it is in {@code export} (the whole
     * tree) but never in {@code diff} or {@code commit} (the upper directory), as dockerd has it.
     */
    List<Path> rootLayers(ContainerRecord config) {
        List<Path> layers = new ArrayList<>(config.layers().stream().map(Path::of).toList());
        layers.add(initLayer);
        return List.copyOf(layers);
    }

    /** Made once per state directory, by whichever engine comes first; mode 0755 and empty, as dockerd's. */
    private void createInitLayer() throws IOException {
        if (!Files.isDirectory(initLayer)) {
            Files.createDirectories(initLayer);
            Files.setPosixFilePermissions(initLayer, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path dockerenv = initLayer.resolve(".dockerenv");
        if (!Files.exists(dockerenv, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path temp = initLayer.resolve(".dockerenv." + RandomIds.uniqueName() + ".tmp");
            Files.createFile(temp);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            // a rename, so an engine starting a container meanwhile never sees it with a umask's mode
            Files.move(temp, dockerenv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The container's directory: in memory when it is there, else on disk (where it may not exist). */
    Path directory(String id) {
        if (memoryRoot != null) {
            Path inMemory = memoryRoot.resolve(id);
            if (Files.exists(inMemory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return inMemory;
            }
        }
        return root.resolve(id);
    }

    /**
     * Makes the directory of a new container, readable by its owner only: in memory when it goes with
     * this JVM ({@code kept} false) and the store has a place there, else on disk.
     */
    Path createDirectory(String id, boolean kept) throws IOException {
        java.nio.file.attribute.FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"));
        if (memoryRoot != null && !kept) {
            Path dir = memoryRoot.resolve(id);
            try {
                return Files.createDirectory(dir, owner);
            } catch (NoSuchFileException e) {
                Files.createDirectories(memoryRoot); // another JVM's close tidied the empty root away meanwhile
                return Files.createDirectory(dir, owner);
            }
        }
        return Files.createDirectory(root.resolve(id), owner);
    }

    /** Whether this store keeps containers that go with their JVM in memory. */
    boolean inMemory() {
        return memoryRoot != null;
    }

    static String newId() {
        return RandomIds.newId();
    }

    // ---- names ------------------------------------------------------------------------------------

    static void validateName(String name) {
        if (name.length() > 128 || !NAME.matcher(name).matches()) {
            throw new ContainerEngineException("invalid container name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] "
                    + "are allowed, at most 128 characters");
        }
    }

    /**
     * Takes {@code name} for {@code id}.
     *
     * @return false when another container holds it
     */
    boolean reserveName(String name, String id) {
        Path file = names.resolve(name);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(file, id, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                if (!releaseIfStale(name)) {
                    return false;
                }
            } catch (IOException e) {
                throw new ContainerEngineException("cannot record the container name \"" + name + "\" in " + names + ": "
                        + e.getMessage(), e);
            }
        }
        return false;
    }

    /** The id holding {@code name}, if any. */
    Optional<String> nameOwner(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(names.resolve(name), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read the container name file " + names.resolve(name) + ": " + e, e);
        }
    }

    /** A name whose container is gone (a JVM died between the two) is free again. */
    private boolean releaseIfStale(String name) {
        try (CrossProcessLock ignored = CrossProcessLock.acquire(names.resolve(".lock"))) {
            Optional<String> owner = nameOwner(name);
            if (owner.isPresent() && owner.get().length() > 0 && Files.isDirectory(directory(owner.get()))) {
                return false;
            }
            Files.deleteIfExists(names.resolve(name));
            return true;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot check the container name \"" + name + "\" in " + names + ": " + e, e);
        }
    }

    /** Frees names whose container is gone: a JVM that died between removing a container and freeing its name. */
    void sweepStaleNames() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(names)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (NAME.matcher(name).matches()) {
                    Optional<String> owner = nameOwner(name);
                    if (owner.isPresent() && !Files.isDirectory(directory(owner.get()))) {
                        releaseIfStale(name);
                    }
                }
            }
        } catch (IOException e) {
            // nothing to sweep
        }
    }

    void releaseName(String name, String id) {
        try {
            if (nameOwner(name).filter(id::equals).isPresent()) {
                Files.deleteIfExists(names.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- records ----------------------------------------------------------------------------------

    void writeConfig(String id, ContainerRecord config) throws IOException {
        writeJson(directory(id).resolve("config.json"), config);
    }

    void writeState(String id, StateRecord state) throws IOException {
        writeJson(directory(id).resolve("state.json"), state);
    }

    /** The container's config, or empty when it does not exist (any more). */
    Optional<ContainerRecord> readConfig(String id) {
        return readJson(directory(id).resolve("config.json"), ContainerRecord.class);
    }

    Optional<StateRecord> readState(String id) {
        return readJson(directory(id).resolve("state.json"), StateRecord.class);
    }

    private static void writeJson(Path file, Object value) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + RandomIds.uniqueName() + ".tmp");
        boolean moved = false;
        try {
            // owner-only, as dockerd's config.v2.json: a container's config holds its environment (secrets, often)
            Files.write(Files.createFile(temp, OWNER_ONLY), RecordJson.write(value));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically", e);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static <T> Optional<T> readJson(Path file, Class<T> type) {
        try {
            return Optional.of(RecordJson.read(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read " + file + ": " + e.getMessage()
                    + " — the container's state is damaged; remove it with 'stevedore rm -f'", e);
        }
    }

    // ---- lookup -----------------------------------------------------------------------------------

    /** Every container's id, in no particular order. */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (Path place : roots()) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(place)) {
                for (Path dir : dirs) {
                    String name = dir.getFileName().toString();
                    if (ID.matcher(name).matches() && !ids.contains(name)) {
                        ids.add(name);
                    }
                }
            } catch (NoSuchFileException e) {
                // the in-memory root after a reboot, before this JVM made it again: nothing there
            } catch (IOException e) {
                throw new ContainerEngineException("cannot list the containers in " + place + ": " + e.getMessage(), e);
            }
        }
        return ids;
    }

    /** The names of the containers, in any state, that mount the volume {@code volume}. */
    List<String> mountersOf(String volume) {
        List<String> names = new ArrayList<>();
        for (String id : ids()) {
            readConfig(id).filter(c -> c.mounts().stream().anyMatch(m -> volume.equals(m.volume())))
                    .ifPresent(c -> names.add(c.name()));
        }
        return names;
    }

    /** Whether {@code labels} has every one of {@code wanted} (an empty or null wanted value: any value). */
    static boolean matches(Map<String, String> labels, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String value = labels.get(e.getKey());
            if (value == null || !(e.getValue() == null || e.getValue().isEmpty() || e.getValue().equals(value))) {
                return false;
            }
        }
        return true;
    }

    private List<Path> roots() {
        return memoryRoot == null ? List.of(root) : List.of(memoryRoot, root);
    }

    /**
     * The id of the container named by {@code reference}: a full id, a name, or a unique id prefix, in
     * that order (as Docker looks them up).
     *
     * @throws ContainerNotFoundException when none matches
     */
    String resolve(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw new ContainerNotFoundException(String.valueOf(reference));
        }
        if (ID.matcher(reference).matches() && Files.isDirectory(directory(reference))) {
            return reference;
        }
        String name = reference.startsWith("/") ? reference.substring(1) : reference;
        Optional<String> named = nameOwner(name);
        if (named.isPresent() && Files.isDirectory(directory(named.get()))) {
            return named.get();
        }
        if (HEX.matcher(reference).matches() && reference.length() < 64) {
            List<String> matches = ids().stream().filter(id -> id.startsWith(reference)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw new ContainerEngineException("the id prefix \"" + reference + "\" matches " + matches.size()
                        + " containers; give more of the id");
            }
        }
        throw new ContainerNotFoundException(reference);
    }

    /**
     * Takes the container's lock, shared by all JVMs, for a transition.
     *
     * @throws ContainerNotFoundException when the container is gone (before or while waiting)
     */
    CrossProcessLock lock(String id) {
        CrossProcessLock lock;
        try {
            lock = CrossProcessLock.acquire(directory(id).resolve("lock"));
        } catch (NoSuchFileException e) {
            throw new ContainerNotFoundException(id);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot lock container " + id + ": " + e.getMessage(), e);
        }
        if (!Files.exists(directory(id).resolve("config.json"))) {
            closeQuietly(lock);
            throw new ContainerNotFoundException(id);
        }
        return lock;
    }

    static void closeQuietly(CrossProcessLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            // releasing a lock on a file being deleted
        }
    }

    // ---- removal ----------------------------------------------------------------------------------

    /**
     * Takes the container out of every view at once (one rename), then deletes what it held on a
     * background thread: the caller does not wait for the unlinking of a whole upper layer. A JVM that
     * ends first leaves the trash to the next open's sweep.
     */
    void delete(String id) throws IOException {
        Path dir = directory(id);
        Path trash = dir.resolveSibling(TRASH_PREFIX + id + "-" + RandomIds.uniqueName());
        try {
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        try {
            trashDeleter.execute(() -> deleteTrash(trash));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            deleteTrash(trash); // closing: delete it now
        }
    }

    private static void deleteTrash(Path trash) {
        try {
            OrphanReaper.delete(trash);
        } catch (IOException e) {
            LOG.warn("cannot delete the removed container directory {} (the next engine open tries again): {}", trash,
                    e.toString());
        }
    }

    /** Waits for the background deletions to finish; leaves no empty in-memory root behind. */
    void close() {
        trashDeleter.shutdown();
        try {
            if (!trashDeleter.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                LOG.warn("removed containers are still being deleted in {}; the next engine open finishes it", root);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (memoryRoot != null) {
            MemoryStorage.removeIfEmpty(memoryRoot);
        }
    }

    /** Deletes what removals in JVMs that died halfway left behind. */
    void sweepTrash() {
        for (Path place : roots()) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(place, TRASH_PREFIX + "*")) {
                for (Path dir : dirs) {
                    try {
                        OrphanReaper.delete(dir);
                    } catch (IOException e) {
                        // being deleted by another JVM right now, or something mounted there: next time
                    }
                }
            } catch (IOException e) {
                // nothing to sweep
            }
        }
    }
}
