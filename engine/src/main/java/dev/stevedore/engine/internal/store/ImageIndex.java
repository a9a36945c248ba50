package dev.stevedore.engine.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 */
public final class ImageIndex {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

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

    /** Records that {@code reference} names the manifest {@code manifestDigest}, replacing what it named before. */
    public void put(ImageReference reference, Digest manifestDigest) throws IOException {
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        String key = reference.toString();
        update(images -> images.put(key, manifestDigest));
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
            JsonNode root = JSON.readTree(bytes);
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
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode entries = root.putObject("images");
        images.forEach((reference, digest) -> entries.put(reference, digest.toString()));
        Path temp = directory.resolve("index.json." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
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
