package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.store.Digest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The size of each layer's content as Docker counts it, kept per layer blob in {@code STATE/snapshots/sizes/<hex>}.
 *
 * <p>dockerd's image {@code Size} and a history step's size are the unpacked layer's size: the bytes of its regular
 * files and the length of its symlinks' targets, a hard link's file once, directories and whiteouts nothing
 * ({@code directory.Size} of the layer's diff directory). Users compare {@code images} and {@code history} with
 * docker's, and the Docker backend answers dockerd's figures, so the embedded engine counts the same thing rather
 * than the compressed blob sizes of the manifest.
 *
 * <p>The figure is a pure function of the blob, so it is counted once, whoever first sees the layer's content —
 * an unpack counts it as it goes, a layer never unpacked (a build's top layer) is read through once — and kept in
 * a file written by one rename (concurrent writers write the same number).
 */
public final class LayerSizes {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");
    private static final int BUFFER = 1 << 16;

    /** Opens a layer blob, compressed or not. */
    @FunctionalInterface
    public interface BlobOpener {
        InputStream open() throws IOException;
    }

    private final Path root;

    LayerSizes(Path root) {
        this.root = root;
    }

    /** Adds what one archive member contributes to its layer's size. */
    static long contentSize(TarEntry entry) {
        return switch (entry.type()) {
            case TarEntry.REGULAR -> entry.size();
            case TarEntry.SYMLINK -> entry.linkName().length;
            default -> 0;
        };
    }

    /** The content size of the layer in blob {@code layer}: the kept figure, else counted from the blob and kept. */
    public long size(Digest layer, BlobOpener blob) throws IOException {
        Path file = root.resolve(layer.hex());
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException | NumberFormatException absent) {
            long size = count(blob);
            record(layer, size);
            return size;
        }
    }

    /** The kept content size of blob {@code layer}, without counting it: empty when none was kept. */
    public java.util.OptionalLong recorded(Digest layer) {
        try {
            return java.util.OptionalLong.of(Long.parseLong(Files.readString(root.resolve(layer.hex()),
                    StandardCharsets.US_ASCII).trim()));
        } catch (IOException | NumberFormatException absent) {
            return java.util.OptionalLong.empty();
        }
    }

    /** Keeps the content size of blob {@code layer}, as counted by an unpack. */
    void record(Digest layer, long size) throws IOException {
        Files.createDirectories(root);
        Path work = root.resolve("." + layer.hex() + "." + UUID.randomUUID());
        Files.writeString(work, Long.toString(size), StandardCharsets.US_ASCII);
        Files.move(work, root.resolve(layer.hex()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes the figures of blobs not in {@code keep}. */
    void removeUnused(Set<Digest> keep) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path file : dir) {
                String name = file.getFileName().toString();
                if (!HEX.matcher(name).matches() || !keep.contains(new Digest("sha256", name))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static long count(BlobOpener blob) throws IOException {
        try (InputStream in = blob.open()) {
            TarReader reader = new TarReader(new BufferedInputStream(LayerUnpacker.decompress(in), BUFFER), Long.MAX_VALUE);
            long size = 0;
            TarEntry entry;
            while ((entry = reader.next()) != null) {
                size += contentSize(entry);
            }
            return size;
        } catch (LayerFault fault) {
            throw new IOException("the layer cannot be read to count its size: " + fault.getMessage(), fault);
        }
    }
}
