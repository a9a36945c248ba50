package dev.stevedore.engine.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.ImageReference;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Which manifest each local image reference names: {@code STATE/images/index.json}, shared by every JVM
 * that uses the state directory.
 *
 * <p>Changes take a cross-JVM lock, read the current file, and replace it atomically (temp file, fsync,
 * rename, fsync of the directory), so concurrent writers never lose each other's changes and a crash
 * leaves the old or the new index, never a torn one. Reads take no lock: a rename is atomic, so a reader
 * sees a whole file. References are stored in their fully qualified form ({@link ImageReference#toString()}),
 * so {@code postgres:16} and {@code docker.io/library/postgres:16} are one key.
 *
 * <p>An image no reference names (built without a tag, committed without a repository, or one whose last tag went
 * to another image) is kept as dockerd keeps it, <em>dangling</em>: filed under {@link #untagged(Digest)}, a key in
 * the {@value #INTERNAL_REGISTRY} registry (which cannot resolve), until a tag names it again or it is removed. So the
 * collector, the build cache and every JVM see it as they see any image, through the one file.
 */
public final class ImageIndex {
    private static final int FORMAT = 1;
    /** The registry of the keys the engine files for itself (dangling images, build steps), never a user's. */
    public static final String INTERNAL_REGISTRY = "stevedore.invalid";
    private static final String UNTAGGED_REPOSITORY = "untagged";

    private final Path directory;
    private final Path file;
    private final Path lockFile;

    /** The index of {@code stateDirectory} (created when missing). */
    public ImageIndex(Path stateDirectory) {
        this.directory = stateDirectory.resolve("images");
        this.file = directory.resolve("index.json");
        this.lockFile = directory.resolve("index.lock");
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new ContentStore.UncheckedIOException("cannot create the image index directory " + directory, e);
        }
    }

    /** The key a dangling image with manifest {@code manifestDigest} is filed under. */
    public static ImageReference untagged(Digest manifestDigest) {
        return new ImageReference(INTERNAL_REGISTRY, UNTAGGED_REPOSITORY, manifestDigest.hex(), null);
    }

    /** Whether {@code reference} is the key of a dangling image rather than a name. */
    public static boolean isUntagged(ImageReference reference) {
        return INTERNAL_REGISTRY.equals(reference.registry()) && UNTAGGED_REPOSITORY.equals(reference.repository());
    }

    /**
     * Records that {@code reference} names the manifest {@code manifestDigest}, replacing what it named before. A user's
     * reference names a dangling image (it is one no more); the image it named before becomes dangling when no
     * other reference names it, as dockerd keeps an image whose tag moved on.
     */
    public void put(ImageReference reference, Digest manifestDigest) throws IOException {
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        String key = reference.toString();
        boolean named = !INTERNAL_REGISTRY.equals(reference.registry());
        update(images -> {
            Digest before = images.put(key, manifestDigest);
            if (named) {
                images.remove(untagged(manifestDigest).toString());
                if (before != null && !before.equals(manifestDigest) && !isNamed(images, before)) {
                    images.put(untagged(before).toString(), before);
                }
            }
        });
    }

    /**
     * Files a build's, commit's or load's result: under each of {@code references} ({@link #put}), or, when it has none,
     * as a dangling image ({@link #putUntagged}), as dockerd keeps a result named by nothing.
     */
    public void file(java.util.Collection<ImageReference> references, Digest manifestDigest) throws IOException {
        if (references.isEmpty()) {
            putUntagged(manifestDigest);
        }
        for (ImageReference reference : references) {
            put(reference, manifestDigest);
        }
    }

    /** Keeps the image {@code manifestDigest} as a dangling one unless a reference names it already. */
    public void putUntagged(Digest manifestDigest) throws IOException {
        update(images -> {
            if (!isNamed(images, manifestDigest)) {
                images.put(untagged(manifestDigest).toString(), manifestDigest);
            }
        });
    }

    private static boolean isNamed(Map<String, Digest> images, Digest manifestDigest) {
        for (Map.Entry<String, Digest> e : images.entrySet()) {
            if (e.getValue().equals(manifestDigest) && !e.getKey().startsWith(INTERNAL_REGISTRY + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The manifest {@code reference} names, if it is in the index. */
    public Optional<Digest> get(ImageReference reference) throws IOException {
        return Optional.ofNullable(read().get(reference.toString()));
    }

    /** Forgets {@code reference}; {@code true} when it was there. */
    public boolean remove(ImageReference reference) throws IOException {
        String key = reference.toString();
        boolean[] removed = {false};
        update(images -> removed[0] = images.remove(key) != null);
        return removed[0];
    }

    /**
     * Forgets the image {@code manifestDigest}: every reference that names it and its dangling key (the build cache's
     * entries stay: they are the engine's). With {@code keepDangling} it stays as a dangling image instead, named by
     * nothing. Returns the references that named it.
     */
    public java.util.List<ImageReference> removeImage(Digest manifestDigest, boolean keepDangling) throws IOException {
        java.util.List<ImageReference> removed = new java.util.ArrayList<>();
        update(images -> {
            for (Iterator<Map.Entry<String, Digest>> it = images.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Digest> e = it.next();
                if (e.getValue().equals(manifestDigest) && !e.getKey().startsWith(INTERNAL_REGISTRY + "/")) {
                    removed.add(ImageReference.parse(e.getKey()));
                    it.remove();
                }
            }
            if (keepDangling) {
                images.put(untagged(manifestDigest).toString(), manifestDigest);
            } else {
                images.remove(untagged(manifestDigest).toString());
            }
        });
        return removed;
    }

    /** Every reference and its manifest digest, in the order they were first added. */
    public Map<ImageReference, Digest> all() throws IOException {
        Map<ImageReference, Digest> all = new LinkedHashMap<>();
        for (Map.Entry<String, Digest> e : read().entrySet()) {
            all.put(ImageReference.parse(e.getKey()), e.getValue());
        }
        return Collections.unmodifiableMap(all);
    }

    private interface Change {
        void apply(Map<String, Digest> images);
    }

    private void update(Change change) throws IOException {
        try (CrossProcessLock ignored = CrossProcessLock.acquire(lockFile)) {
            Map<String, Digest> images = read();
            change.apply(images);
            write(images);
        }
    }

    private Map<String, Digest> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        }
        Map<String, Digest> images = new LinkedHashMap<>();
        try {
            JsonNode root = JsonTrees.read(bytes);
            JsonNode entries = root.path("images");
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                images.put(e.getKey(), Digest.parse(e.getValue().asText()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("the image index " + file + " is damaged (" + e.getMessage()
                    + "); remove it and pull the images again", e);
        }
        return images;
    }

    private void write(Map<String, Digest> images) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT);
        ObjectNode entries = root.putObject("images");
        images.forEach((reference, digest) -> entries.put(reference, digest.toString()));
        Path temp = directory.resolve("index.json." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(JsonTrees.write(root, true)));
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically", e);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
