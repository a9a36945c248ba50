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
 * Named volumes: {@code STATE/volumes/<name>/_data}, as Docker lays them out, beside {@code volume.json}
 * (labels, creation time); made by {@link #create} or on a container's first mount of the name, and kept until
 * {@link #remove}d (containers come and go, their volumes stay). Anonymous volumes live in their container's
 * directory instead, go with it, and are not listed here.
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

    Volumes(Path stateDirectory) {
        this.root = stateDirectory.resolve("volumes");
    }

    /** The data directory of volume {@code name}, created (without labels) when it does not exist yet. */
    Path named(String name) {
        try {
            VolumeSpec.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("invalid volume name: " + e.getMessage(), e);
        }
        Path data = root.resolve(name).resolve("_data");
        if (Files.isDirectory(data)) {
            return data;
        }
        create(new VolumeSpec(name, Map.of()));
        return data;
    }

    /** Creates the volume, or returns the one of that name as it is. */
    VolumeInfo create(VolumeSpec spec) {
        String name = spec.name() != null ? spec.name() : generatedName();
        try (CrossProcessLock ignored = lock()) {
            Optional<VolumeInfo> existing = read(name);
            if (existing.isPresent()) {
                return existing.get();
            }
            Path staging = root.resolve(".new-" + RandomIds.uniqueName());
            try {
                Files.createDirectories(staging.resolve("_data"));
                Files.write(staging.resolve(METADATA), RecordJson.write(
                        new VolumeRecord(spec.labels(), Instant.now().toString())));
                Files.move(staging, root.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } finally {
                FileTrees.deleteRecursively(staging);
            }
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

    /** The named volumes carrying all of {@code labels}, by name. */
    List<VolumeInfo> list(Map<String, String> labels) {
        List<VolumeInfo> volumes = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return volumes;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                validName(entry.getFileName().toString()).flatMap(this::read)
                        .filter(v -> ContainerService.matches(v.labels(), labels)).ifPresent(volumes::add);
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot list the volumes in " + root + ": " + e, e);
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
            Path trash = root.resolve(TRASH_PREFIX + name + "-" + RandomIds.uniqueName());
            Files.move(root.resolve(name), trash, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.deleteRecursively(trash);
            return true;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot remove the volume \"" + name + "\" in " + root + ": " + e
                    + " — what is left of it is under " + root, e);
        }
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
        Path dir = root.resolve(name);
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

    /** A fresh anonymous volume's data directory inside the container's own directory. */
    static Path anonymous(Path containerDirectory, int index) {
        Path data = containerDirectory.resolve("volumes").resolve(Integer.toString(index)).resolve("_data");
        try {
            return Files.createDirectories(data);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create an anonymous volume in " + containerDirectory + ": "
                    + e.getMessage(), e);
        }
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
