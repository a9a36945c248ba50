package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads images from files instead of a registry: {@code docker save} archives and OCI image layouts
 * (a directory, or a tar of one). Every blob goes through {@link ContentStore#ingest}, so it is
 * verified against its digest and size before it is kept.
 *
 * <p>An archive with an {@code index.json} is read as an OCI layout (newer {@code docker save} writes
 * one beside its legacy {@code manifest.json}); otherwise {@code manifest.json} is read the legacy way,
 * and a Docker schema 2 manifest is written for each image (uncompressed layers, as the archive holds
 * them), so the rest of the engine sees the same shape as after a pull.
 *
 * <p>Hostile archives: files are only ever read by name into the store; names that leave the archive
 * ({@code ..}, absolute paths, links pointing out) are not followed, and nothing is extracted.
 */
public final class ArchiveImporter {
    private static final String CONTAINERD_NAME = "io.containerd.image.name";
    private static final String OCI_REF_NAME = "org.opencontainers.image.ref.name";
    private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?([a-f0-9]{64})(?:\\.json)?");
    private static final int JSON_LIMIT = ManifestDocument.MAX_SIZE;

    private ArchiveImporter() {
    }

    /** Imports the images of {@code archiveOrDir} for the host's platform (for multi-platform images). */
    public static List<ImportedImage> importArchive(Path archiveOrDir, ContentStore store) {
        return importArchive(archiveOrDir, store, Platform.host());
    }

    /**
     * Imports every image {@code archiveOrDir} names; a multi-platform image contributes its manifest
     * for {@code platform}.
     *
     * @throws ContentVerificationException when a blob does not match its digest (it is not stored)
     * @throws ContainerEngineException      when the archive cannot be read or is not an image archive
     */
    public static List<ImportedImage> importArchive(Path archiveOrDir, ContentStore store, Platform platform) {
        String what = "import of " + archiveOrDir + " failed: ";
        try (ArchiveFiles files = ArchiveFiles.open(archiveOrDir)) {
            String root = layoutRoot(files);
            Importer importer = new Importer(files, root, store, platform);
            if (files.exists(root + "index.json")) {
                return importer.ociLayout();
            }
            if (files.exists(root + "manifest.json")) {
                return importer.dockerSave();
            }
            throw new ImageFormatException("it holds neither index.json (an OCI image layout) nor manifest.json "
                    + "(a docker save archive)");
        } catch (ContentVerificationException e) {
            throw new ContentVerificationException(what + e.getMessage(), e.expectedDigest(), e.actualDigest());
        } catch (ImageFormatException e) {
            throw new ContainerEngineException(what + e.getMessage(), e);
        } catch (IOException e) {
            throw new ContainerEngineException(what + e, e);
        }
    }

    /** {@code ""}, or the one top-level directory a tar of a layout was made from ({@code "layout/"}). */
    private static String layoutRoot(ArchiveFiles files) throws IOException {
        if (files.exists("index.json") || files.exists("manifest.json")) {
            return "";
        }
        for (String directory : files.topLevelDirectories()) {
            String candidate = directory + "/";
            if (files.exists(candidate + "index.json") || files.exists(candidate + "manifest.json")) {
                return candidate;
            }
        }
        return "";
    }

    private static final class Importer {
        private final ArchiveFiles files;
        private final String root;
        private final ContentStore store;
        private final Platform platform;

        Importer(ArchiveFiles files, String root, ContentStore store, Platform platform) {
            this.files = files;
            this.root = root;
            this.store = store;
            this.platform = platform;
        }

        List<ImportedImage> ociLayout() throws IOException {
            if (files.exists(root + "oci-layout")) {
                JsonNode layout = ImageJson.object(files.read(root + "oci-layout", JSON_LIMIT), "oci-layout");
                String version = layout.path("imageLayoutVersion").asText("");
                if (!version.startsWith("1.")) {
                    throw new ImageFormatException("oci-layout says imageLayoutVersion \"" + version + "\"; only 1.x is understood");
                }
            }
            ManifestList index = ManifestList.parse(files.read(root + "index.json", JSON_LIMIT), null);
            List<ImportedImage> images = new ArrayList<>();
            for (Descriptor entry : index.manifests()) {
                String name = entry.annotations().getOrDefault(CONTAINERD_NAME, entry.annotations().get(OCI_REF_NAME));
                images.add(importEntry(entry, name));
            }
            if (images.isEmpty()) {
                throw new ImageFormatException("index.json lists no images");
            }
            return images;
        }

        private ImportedImage importEntry(Descriptor entry, String name) throws IOException {
            String what = name != null ? "image \"" + name + "\"" : "image " + entry.digest();
            if (MediaTypes.MANIFESTS.contains(entry.mediaType())) {
                return new ImportedImage(reference(name), name, null, entry.digest(), importManifest(entry, what));
            }
            if (!MediaTypes.INDEXES.contains(entry.mediaType())) {
                throw new ImageFormatException(what + " has media type " + entry.mediaType() + ", neither an image manifest nor an index");
            }
            ingest(entry, what + "'s index");
            ManifestList nested = ManifestList.parse(store.readBlob(entry.digest()), entry.mediaType());
            // an archive may hold only some platforms of an index (docker save of one platform): choose among those
            List<Descriptor> present = nested.manifests().stream().filter(d -> files.exists(blobName(d.digest()))).toList();
            Descriptor chosen = PlatformMatcher.select(present, platform).orElseThrow(() -> new ImageFormatException(
                    what + " has no manifest for " + platform + " in the archive; it holds "
                            + (PlatformMatcher.offered(present).isEmpty() ? "none for any platform"
                            : PlatformMatcher.offered(present).stream().map(Platform::toString).toList())));
            return new ImportedImage(reference(name), name, entry.digest(), chosen.digest(),
                    importManifest(chosen, what + " for " + chosen.platform()));
        }

        private ImageManifest importManifest(Descriptor descriptor, String what) throws IOException {
            if (descriptor.size() > ManifestDocument.MAX_SIZE) {
                throw new ImageFormatException(what + "'s manifest has " + descriptor.size() + " bytes, more than the "
                        + ManifestDocument.MAX_SIZE + " accepted");
            }
            ingest(descriptor, what + "'s manifest");
            ImageManifest manifest;
            try {
                manifest = ImageManifest.parse(store.readBlob(descriptor.digest()), descriptor.mediaType()).requireRunnable();
            } catch (ImageFormatException e) {
                throw new ImageFormatException(what + "'s manifest " + descriptor.digest() + " is invalid: " + e.getMessage(), e);
            }
            ingest(manifest.config(), what + "'s config");
            for (int i = 0; i < manifest.layers().size(); i++) {
                ingest(manifest.layers().get(i), what + "'s layer " + i);
            }
            return manifest;
        }

        private void ingest(Descriptor descriptor, String what) throws IOException {
            ingest(blobName(descriptor.digest()), descriptor.digest(), descriptor.size(), what);
        }

        private void ingest(String name, Digest digest, long size, String what) throws IOException {
            if (store.hasBlob(digest)) {
                return;
            }
            if (!files.exists(name)) {
                throw new ImageFormatException(what + " (" + digest + ") is not in the archive: " + name + " is missing");
            }
            store.ingest(digest, size, out -> {
                try (InputStream in = files.open(name)) {
                    in.transferTo(out);
                }
            });
        }

        private String blobName(Digest digest) {
            return root + "blobs/" + digest.algorithm() + "/" + digest.hex();
        }

        List<ImportedImage> dockerSave() throws IOException {
            JsonNode manifests = JsonTrees.read(files.read(root + "manifest.json", JSON_LIMIT));
            if (manifests == null || !manifests.isArray() || manifests.isEmpty()) {
                throw new ImageFormatException("manifest.json is not a non-empty JSON array");
            }
            List<ImportedImage> images = new ArrayList<>();
            for (int i = 0; i < manifests.size(); i++) {
                JsonNode image = manifests.get(i);
                String what = "manifest.json[" + i + "]";
                if (!image.isObject()) {
                    throw new ImageFormatException(what + " is not a JSON object");
                }
                Digest manifestDigest = importLegacy(image, what);
                ImageManifest manifest = ImageManifest.parse(store.readBlob(manifestDigest), MediaTypes.DOCKER_MANIFEST);
                List<String> tags = ImageJson.stringList(image, "RepoTags", what);
                if (tags.isEmpty()) {
                    images.add(new ImportedImage(null, null, null, manifestDigest, manifest));
                }
                for (String tag : tags) {
                    images.add(new ImportedImage(reference(tag), tag, null, manifestDigest, manifest));
                }
            }
            return images;
        }

        /** Stores a legacy image's config and layers and a Docker schema 2 manifest for them; returns its digest. */
        private Digest importLegacy(JsonNode image, String what) throws IOException {
            String configName = root + ImageJson.requiredText(image, "Config", what);
            byte[] configBytes = files.read(configName, ImageConfigDocument.MAX_SIZE);
            Digest configDigest = Digest.of(configBytes);
            Matcher named = HEX_NAME.matcher(configName);
            if (named.matches() && !named.group(1).equals(configDigest.hex())) {
                throw new ContentVerificationException(what + "'s config " + configName + " hashes to " + configDigest
                        + ", not to the digest its name gives; nothing was stored", "sha256:" + named.group(1), configDigest.toString());
            }
            ImageConfigDocument config;
            try {
                config = ImageConfigDocument.parse(configBytes);
            } catch (ImageFormatException e) {
                throw new ImageFormatException(what + "'s config " + configName + " is invalid: " + e.getMessage(), e);
            }
            List<String> layerNames = ImageJson.stringList(image, "Layers", what);
            if (layerNames.size() != config.diffIds().size()) {
                throw new ImageFormatException(what + " lists " + layerNames.size() + " layers but its config has "
                        + config.diffIds().size() + " diff_ids");
            }
            store.ingest(configDigest, configBytes.length, out -> out.write(configBytes));

            ObjectNode manifest = JsonNodeFactory.instance.objectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
            ObjectNode configDescriptor = manifest.putObject("config");
            configDescriptor.put("mediaType", MediaTypes.DOCKER_CONFIG);
            configDescriptor.put("size", configBytes.length);
            configDescriptor.put("digest", configDigest.toString());
            ArrayNode layers = manifest.putArray("layers");
            for (int i = 0; i < layerNames.size(); i++) {
                String name = root + layerNames.get(i);
                String layerWhat = what + "'s layer " + i + " (" + layerNames.get(i) + ")";
                if (!files.exists(name)) {
                    throw new ImageFormatException(layerWhat + " is not in the archive");
                }
                long size = files.size(name);
                MediaTypes.Compression compression = compression(name);
                String mediaType;
                Digest digest;
                if (compression == MediaTypes.Compression.NONE) {
                    // an uncompressed layer's digest is its diff id: the config vouches for it, the store checks it
                    mediaType = MediaTypes.DOCKER_LAYER_TAR;
                    digest = config.diffIds().get(i);
                } else if (compression == MediaTypes.Compression.GZIP) {
                    mediaType = MediaTypes.DOCKER_LAYER_GZIP;
                    digest = hash(name);
                } else {
                    throw new ImageFormatException(layerWhat + " is zstd-compressed, which a Docker schema 2 manifest cannot describe");
                }
                ingest(name, digest, size, layerWhat);
                ObjectNode layer = layers.addObject();
                layer.put("mediaType", mediaType);
                layer.put("size", size);
                layer.put("digest", digest.toString());
            }
            byte[] manifestBytes = JsonTrees.write(manifest);
            Digest manifestDigest = Digest.of(manifestBytes);
            store.ingest(manifestDigest, manifestBytes.length, out -> out.write(manifestBytes));
            return manifestDigest;
        }

        private MediaTypes.Compression compression(String name) throws IOException {
            try (InputStream in = files.open(name)) {
                byte[] magic = in.readNBytes(4);
                if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                    return MediaTypes.Compression.GZIP;
                }
                if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                        && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
                    return MediaTypes.Compression.ZSTD;
                }
                return MediaTypes.Compression.NONE;
            }
        }

        private Digest hash(String name) throws IOException {
            MessageDigest sha = Digest.sha256();
            try (InputStream in = files.open(name)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            return new Digest("sha256", HexFormat.of().formatHex(sha.digest()));
        }

        /** A name that is a full reference ({@code busybox:latest}, {@code docker.io/library/busybox}); bare tags are not. */
        private static ImageReference reference(String name) {
            if (name == null || !(name.contains("/") || name.contains(":") || name.contains("@"))) {
                return null;
            }
            try {
                return ImageReference.parse(name);
            } catch (InvalidImageReferenceException e) {
                return null;
            }
        }
    }
}
