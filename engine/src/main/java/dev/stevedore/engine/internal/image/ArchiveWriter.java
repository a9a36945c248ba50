package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes images from the content store as one tar in the shape Docker 25 and newer give {@code docker save}:
 * an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/<hex>}) and, beside it, the
 * legacy {@code manifest.json} whose {@code Config} and {@code Layers} point into {@code blobs/}, which older
 * daemons (that read only {@code manifest.json}) load as well. Blobs go as stored (layers compressed, as pulled),
 * each once however many images share it; manifests keep their bytes, so digests and image ids survive the trip.
 *
 * <p>{@code index.json} has one entry per tag, annotated with {@code io.containerd.image.name} (the full
 * reference) and {@code org.opencontainers.image.ref.name} (the tag), and one without annotations for an image
 * saved without a tag. Entries carry a fixed time stamp, so the same images give the same archive.
 */
public final class ArchiveWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTAINERD_NAME = "io.containerd.image.name";
    private static final String OCI_REF_NAME = "org.opencontainers.image.ref.name";
    private static final Date EPOCH = new Date(0);

    private ArchiveWriter() {
    }

    /**
     * One image to write.
     *
     * @param manifestDigest the digest of its manifest in the store
     * @param references     the references to file it under in the archive (tagged ones only; may be empty)
     */
    public record Entry(Digest manifestDigest, List<ImageReference> references) {
        public Entry {
            references = List.copyOf(references);
        }
    }

    /**
     * Writes {@code entries} to {@code out} (which stays open). Everything is read from {@code store}; a blob that
     * is missing there fails the write part-way, so callers check the images exist first.
     */
    public static void write(List<Entry> entries, ContentStore store, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        });
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        directory(tar, "blobs/");
        directory(tar, "blobs/sha256/");
        Set<Digest> written = new HashSet<>();
        ArrayNode legacy = JSON.createArrayNode();
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (Entry entry : entries) {
            byte[] manifestBytes = store.readBlob(entry.manifestDigest());
            ImageManifest manifest = ImageManifest.parse(manifestBytes, null);
            blob(tar, store, manifest.config().digest(), written);
            List<String> layerPaths = new ArrayList<>();
            for (Descriptor layer : manifest.layers()) {
                blob(tar, store, layer.digest(), written);
                layerPaths.add(path(layer.digest()));
            }
            blob(tar, store, entry.manifestDigest(), written);

            ObjectNode saved = legacy.addObject().put("Config", path(manifest.config().digest()));
            ArrayNode repoTags = saved.putArray("RepoTags");
            layerPaths.forEach(saved.putArray("Layers")::add);
            List<ImageReference> tagged = entry.references().stream().filter(r -> r.tag() != null).distinct().toList();
            for (ImageReference reference : tagged) {
                repoTags.add(reference.familiar());
                ObjectNode descriptor = descriptor(manifests, manifest, entry.manifestDigest(), manifestBytes.length);
                descriptor.putObject("annotations").put(CONTAINERD_NAME, reference.toString()).put(OCI_REF_NAME, reference.tag());
            }
            if (tagged.isEmpty()) {
                saved.putNull("RepoTags"); // dockerd's for an image saved by id: null, not []
                descriptor(manifests, manifest, entry.manifestDigest(), manifestBytes.length);
            }
        }
        file(tar, "index.json", JSON.writeValueAsBytes(index));
        file(tar, "manifest.json", JSON.writeValueAsBytes(legacy));
        file(tar, "oci-layout", JSON.writeValueAsBytes(JSON.createObjectNode().put("imageLayoutVersion", "1.0.0")));
        tar.finish();
        tar.close();
    }

    private static ObjectNode descriptor(ArrayNode manifests, ImageManifest manifest, Digest digest, long size) {
        return manifests.addObject().put("mediaType", manifest.mediaType()).put("digest", digest.toString()).put("size", size);
    }

    private static String path(Digest digest) {
        return "blobs/sha256/" + digest.hex();
    }

    private static void blob(TarArchiveOutputStream tar, ContentStore store, Digest digest, Set<Digest> written) throws IOException {
        if (!written.add(digest)) {
            return;
        }
        Path file = store.blobPath(digest);
        TarArchiveEntry entry = entry(path(digest), TarArchiveEntry.LF_NORMAL);
        entry.setSize(Files.size(file));
        tar.putArchiveEntry(entry);
        try (InputStream in = store.openBlob(digest)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = entry(name, TarArchiveEntry.LF_NORMAL);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        tar.putArchiveEntry(entry(name, TarArchiveEntry.LF_DIR));
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setModTime(EPOCH);
        entry.setMode(type == TarArchiveEntry.LF_DIR ? 0755 : 0644);
        return entry;
    }
}
