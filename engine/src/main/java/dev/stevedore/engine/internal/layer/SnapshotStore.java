package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.FileTrees;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Unpacked layers, one directory per ChainID: {@code STATE/snapshots/<chainid-hex>/fs} is a layer in
 * overlay format (see {@link LayerUnpacker}), ready to be an overlay {@code lowerdir}, and
 * {@code layer.json} beside it says which blob and DiffID it came from.
 *
 * <p>Keyed by ChainID, not DiffID, as the image spec defines it: the same layer on top of different
 * parents is a different snapshot (and its content may differ too: directories a layer uses without
 * describing copy their attributes from the layers below, see {@link LayerUnpacker}). A snapshot directory exists only complete: a layer is unpacked into
 * {@code tmp/}, its DiffID checked, then renamed into place, all under a cross-JVM lock on its ChainID, so
 * concurrent pulls in any number of threads and JVMs unpack each layer once. The store directories are
 * {@code 0700}: unpacked layers hold setuid binaries and world-writable directories that host users must
 * not reach (CVE-2021-41091); the {@code fs} directories themselves are {@code 0755}, as a root must be.
 */
public final class SnapshotStore {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");

    private final Path root;
    private final Path tmp;
    private final Path locks;
    private final LayerUnpacker unpacker;
    private final LayerSizes sizes;

    /** The snapshots of {@code stateDirectory}, unpacked with the default {@link LayerUnpacker.Options}. */
    public SnapshotStore(Path stateDirectory) {
        this(stateDirectory, new LayerUnpacker());
    }

    public SnapshotStore(Path stateDirectory, LayerUnpacker unpacker) {
        this.root = stateDirectory.resolve("snapshots");
        this.tmp = root.resolve("tmp");
        this.locks = root.resolve("locks");
        this.unpacker = unpacker;
        this.sizes = new LayerSizes(root.resolve("sizes"));
        try {
            for (Path dir : new Path[] {root, tmp, locks}) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create the snapshot store in " + root, e);
        }
    }

    /** The content sizes of layers, as Docker counts them. */
    public LayerSizes sizes() {
        return sizes;
    }

    /** The directory all snapshots live in. */
    public Path root() {
        return root;
    }

    /**
     * The ChainIDs of a layer stack, bottom first: the first is the first DiffID, each next one is the
     * sha256 of {@code "<previous chain id> <diff id>"} (image-spec config.md).
     */
    public static List<Digest> chainIds(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest previous = null;
        for (Digest diffId : diffIds) {
            previous = previous == null ? diffId
                    : Digest.of((previous + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(previous);
        }
        return chain;
    }

    /** Whether every layer of this stack is unpacked: a few {@code stat} calls, no locking. */
    public boolean isPrepared(List<Digest> diffIds) {
        for (Digest chainId : chainIds(diffIds)) {
            if (!Files.isDirectory(directory(chainId))) {
                return false;
            }
        }
        return true;
    }

    /** The layer directory (overlay lowerdir) of a prepared snapshot. */
    public Optional<Path> layerDirectory(Digest chainId) {
        Path fs = directory(chainId).resolve("fs");
        return Files.isDirectory(fs) ? Optional.of(fs) : Optional.empty();
    }

    /**
     * Makes sure every layer of an image is unpacked, unpacking the missing ones from {@code store}.
     *
     * @param layers  the manifest's layer descriptors, bottom first; their blobs must be in {@code store}
     * @param diffIds the image config's {@code rootfs.diff_ids}, one per layer
     * @return the layer directories, bottom first (overlay wants them reversed in {@code lowerdir})
     * @throws ContentVerificationException when a layer does not unpack to its DiffID; nothing of it is kept
     * @throws dev.stevedore.engine.UnsafeLayerException when a layer is hostile or damaged
     * @throws IOException when the store cannot be written
     */
    public List<Path> prepare(ContentStore store, List<Descriptor> layers, List<Digest> diffIds,
                              LayerListener listener) throws IOException {
        if (layers.size() != diffIds.size()) {
            throw new IllegalArgumentException("the manifest lists " + layers.size() + " layers but the config has "
                    + diffIds.size() + " diff_ids; the image is inconsistent");
        }
        List<Digest> chain = chainIds(diffIds);
        List<Path> directories = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            MediaTypes.layerCompression(layer.mediaType()); // refuses what is no layer
            Digest chainId = chain.get(i);
            Path snapshot = directory(chainId);
            if (!Files.isDirectory(snapshot)) {
                try (CrossProcessLock ignored = CrossProcessLock.acquire(locks.resolve(chainId.hex() + ".lock"))) {
                    if (!Files.isDirectory(snapshot)) {
                        List<Path> lowers = new ArrayList<>(directories);
                        Collections.reverse(lowers);
                        unpack(store, layer, diffIds.get(i), chainId, i == 0 ? null : chain.get(i - 1), lowers,
                                listener);
                    }
                }
            }
            listener.onLayer(layer.digest(), PullProgress.Phase.PULL_COMPLETE, layer.size());
            directories.add(snapshot.resolve("fs"));
        }
        return directories;
    }

    private void unpack(ContentStore store, Descriptor layer, Digest diffId, Digest chainId, Digest parent,
                        List<Path> lowers, LayerListener listener) throws IOException {
        Path work = tmp.resolve(chainId.hex() + "." + UUID.randomUUID());
        Files.createDirectory(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            listener.onLayer(layer.digest(), PullProgress.Phase.EXTRACTING, 0);
            LayerUnpacker.Unpacked unpacked;
            try (InputStream blob = store.openBlob(layer.digest())) {
                unpacked = unpacker.unpackLayer(layer.digest(), blob, work.resolve("fs"), lowers,
                        bytes -> listener.onLayer(layer.digest(), PullProgress.Phase.EXTRACTING, bytes));
            } catch (NoSuchFileException e) {
                throw new ContainerEngineException("cannot unpack layer " + layer.digest()
                        + ": its blob is not in the content store " + store.root() + "; pull the image again", e);
            }
            Digest actual = unpacked.diffId();
            if (!actual.equals(diffId)) {
                throw new ContentVerificationException("layer " + layer.digest() + " unpacks to DiffID " + actual
                        + " but the image config says " + diffId + "; nothing of it was kept",
                        diffId.toString(), actual.toString());
            }
            ObjectNode meta = JsonNodeFactory.instance.objectNode();
            meta.put("chainId", chainId.toString());
            meta.put("diffId", diffId.toString());
            meta.put("parent", parent == null ? null : parent.toString());
            meta.put("layerDigest", layer.digest().toString());
            meta.put("mediaType", layer.mediaType());
            meta.put("size", layer.size());
            sizes.record(layer.digest(), unpacked.contentSize());
            Files.write(work.resolve("layer.json"), JsonTrees.write(meta, true));
            int fd = Libc.open(work.toString(), Libc.O_RDONLY | Libc.O_DIRECTORY);
            try {
                Libc.syncfs(fd, work.toString()); // the rename must not be durable before the content is
            } finally {
                Libc.close(fd);
            }
            try {
                Files.move(work, directory(chainId), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + work + " into place atomically", e);
            }
        } catch (Throwable failure) {
            LayerUnpacker.deleteAfterFailure(work, failure);
            throw failure;
        }
    }

    /** Deletes one snapshot; {@code true} when it existed. Containers must not be using it. */
    public boolean remove(Digest chainId) throws IOException {
        try (CrossProcessLock ignored = CrossProcessLock.acquire(locks.resolve(chainId.hex() + ".lock"))) {
            return removeLocked(chainId);
        }
    }

    private boolean removeLocked(Digest chainId) throws IOException {
        Path snapshot = directory(chainId);
        if (!Files.isDirectory(snapshot)) {
            return false;
        }
        // Out of sight first, so no one sees a half-deleted snapshot as prepared.
        Path doomed = tmp.resolve(chainId.hex() + ".removed." + UUID.randomUUID());
        Files.move(snapshot, doomed, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.deleteRecursively(doomed);
        return true;
    }

    /** The ChainIDs of every prepared snapshot. */
    public Set<Digest> chainIdsPresent() throws IOException {
        Set<Digest> present = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (HEX.matcher(name).matches() && Files.isDirectory(p)) {
                    present.add(new Digest("sha256", name));
                }
            }
        }
        return present;
    }

    /**
     * Deletes every snapshot whose ChainID is not in {@code keep}, and work directories that no unpack
     * holds any more (left by a JVM that died). Containers must not be using the deleted snapshots.
     *
     * @return the number of snapshots deleted
     */
    public int removeUnused(Set<Digest> keep) throws IOException {
        int removed = 0;
        for (Digest chainId : chainIdsPresent()) {
            if (!keep.contains(chainId) && remove(chainId)) {
                removed++;
            }
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tmp)) {
            for (Path work : dir) {
                String name = work.getFileName().toString();
                if (name.length() < 65 || !HEX.matcher(name.substring(0, 64)).matches()) {
                    continue;
                }
                try (CrossProcessLock held = CrossProcessLock.tryAcquire(locks.resolve(name.substring(0, 64) + ".lock"))) {
                    if (held != null) {
                        FileTrees.deleteRecursively(work);
                    }
                }
            }
        }
        return removed;
    }

    private Path directory(Digest chainId) {
        return root.resolve(chainId.hex());
    }
}
