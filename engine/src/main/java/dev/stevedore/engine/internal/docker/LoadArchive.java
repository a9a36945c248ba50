package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.image.MediaTypes;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What to send to {@code POST /images/load} for a file or directory a user wants loaded: a
 * {@code docker save} archive as it is; an OCI image layout (a directory, or a tar of one) as a tar made on
 * the fly, with a {@code docker save} style {@code manifest.json} added when the layout has none. Daemons
 * before Docker 25 read only {@code manifest.json}; with it they load OCI layouts too, layers compressed
 * or not. Compressed archives go as they are: the daemon unpacks them and reads what it can.
 *
 * <p>The added {@code manifest.json} names an image by its {@code io.containerd.image.name} annotation or
 * an {@code org.opencontainers.image.ref.name} that is a whole reference; a bare tag ({@code latest}) names
 * no repository, so such an image is loaded by id only. From a multi-platform index only the manifests for
 * {@code platform} are loaded.
 */
final class LoadArchive {
    static final MediaType TAR = StreamingTarBody.TAR;
    private static final long SMALL_BLOB_LIMIT = 1 << 20;
    private static final long SMALL_BLOBS_TOTAL = 64L << 20;

    private LoadArchive() {
    }

    /**
     * The request body for loading {@code archive}.
     *
     * @throws ContainerEngineException when it is missing, or neither a docker save archive nor an OCI layout
     */
    static RequestBody body(Path archive, Platform platform) {
        try {
            if (Files.isDirectory(archive)) {
                return directory(archive, platform);
            }
            if (!Files.isRegularFile(archive)) {
                throw new NoSuchFileException(archive.toString());
            }
            if (compressed(archive)) {
                return RequestBody.create(archive.toFile(), TAR);
            }
            return tarFile(archive, platform);
        } catch (NoSuchFileException e) {
            throw new ContainerEngineException("Loading images from " + archive + " failed: no such file or directory");
        } catch (IOException e) {
            throw new ContainerEngineException("Loading images from " + archive + " failed: reading it failed: "
                    + e.getMessage(), e);
        }
    }

    private static RequestBody directory(Path dir, Platform platform) throws IOException {
        byte[] manifest;
        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            manifest = null;
        } else if (Files.isRegularFile(dir.resolve("index.json"))) {
            manifest = dockerManifest(name -> {
                Path file = dir.resolve(name).normalize();
                if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                    return null;
                }
                return Files.readAllBytes(file);
            }, platform, dir);
        } else {
            throw notAnArchive(dir);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> !p.equals(dir)).sorted().toList();
        }
        return new StreamingTarBody(out -> {
            try (TarArchiveOutputStream tar = tarStream(out)) {
                for (Path file : files) {
                    String name = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                    if (Files.isSymbolicLink(file)) {
                        TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                        entry.setLinkName(Files.readSymbolicLink(file).toString());
                        tar.putArchiveEntry(entry);
                    } else {
                        TarArchiveEntry entry = new TarArchiveEntry(file, name, LinkOption.NOFOLLOW_LINKS);
                        tar.putArchiveEntry(entry);
                        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                            Files.copy(file, tar);
                        }
                    }
                    tar.closeArchiveEntry();
                }
                if (manifest != null) {
                    addFile(tar, "manifest.json", manifest);
                }
            }
        });
    }

    private static RequestBody tarFile(Path archive, Platform platform) throws IOException {
        boolean hasManifest = false;
        boolean hasIndex = false;
        Map<String, byte[]> small = new HashMap<>();
        long kept = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = clean(entry.getName());
                hasManifest |= name.equals("manifest.json");
                hasIndex |= name.equals("index.json");
                if (entry.isFile() && entry.getSize() <= SMALL_BLOB_LIMIT && kept + entry.getSize() <= SMALL_BLOBS_TOTAL) {
                    small.put(name, tar.readAllBytes());
                    kept += entry.getSize();
                }
            }
        } catch (IOException e) {
            throw new ContainerEngineException("Loading images from " + archive + " failed: it is not a tar archive ("
                    + e.getMessage() + ")", e);
        }
        if (hasManifest) {
            return RequestBody.create(archive.toFile(), TAR);
        }
        if (!hasIndex) {
            throw notAnArchive(archive);
        }
        byte[] manifest = dockerManifest(small::get, platform, archive);
        return new StreamingTarBody(out -> {
            try (TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)));
                 TarArchiveOutputStream tar = tarStream(out)) {
                TarArchiveEntry entry;
                while ((entry = in.getNextEntry()) != null) {
                    tar.putArchiveEntry(entry);
                    if (entry.isFile()) {
                        in.transferTo(tar);
                    }
                    tar.closeArchiveEntry();
                }
                addFile(tar, "manifest.json", manifest);
            }
        });
    }

    /** Reads a file of the layout by its path inside it; {@code null} when it is not there. */
    private interface LayoutFiles {
        byte[] read(String name) throws IOException;
    }

    /** The {@code manifest.json} a {@code docker save} archive of the layout's images would have. */
    private static byte[] dockerManifest(LayoutFiles files, Platform platform, Path origin) throws IOException {
        JsonNode index = json(files, "index.json", origin);
        ArrayNode entries = DockerApi.MAPPER.createArrayNode();
        addManifests(files, index, null, platform, origin, entries, 0);
        if (entries.isEmpty()) {
            throw new ContainerEngineException("Loading images from " + origin + " failed: its OCI index has no image for "
                    + platform + "; load a layout that has one");
        }
        return DockerApi.MAPPER.writeValueAsBytes(entries);
    }

    private static void addManifests(LayoutFiles files, JsonNode index, String inheritedName, Platform platform, Path origin,
                                     ArrayNode entries, int depth) throws IOException {
        if (depth > 4) {
            throw new ContainerEngineException("Loading images from " + origin + " failed: its indexes nest too deep");
        }
        for (JsonNode descriptor : index.path("manifests")) {
            String name = imageName(descriptor.path("annotations"));
            if (name == null) {
                name = inheritedName;
            }
            String mediaType = descriptor.path("mediaType").asText("");
            String blob = blobPath(descriptor.path("digest").asText(""), origin);
            if (MediaTypes.INDEXES.contains(mediaType)) {
                addManifests(files, json(files, blob, origin), name, platform, origin, entries, depth + 1);
            } else if (MediaTypes.MANIFESTS.contains(mediaType) && matches(descriptor.path("platform"), platform)) {
                JsonNode manifest = json(files, blob, origin);
                ObjectNode entry = entries.addObject();
                entry.put("Config", blobPath(manifest.path("config").path("digest").asText(""), origin));
                ArrayNode tags = entry.putArray("RepoTags");
                if (name != null) {
                    tags.add(name);
                }
                ArrayNode layers = entry.putArray("Layers");
                for (JsonNode layer : manifest.path("layers")) {
                    layers.add(blobPath(layer.path("digest").asText(""), origin));
                }
            }
        }
    }

    /** The image's full name from its descriptor's annotations, or {@code null} when they give only a tag. */
    static String imageName(JsonNode annotations) {
        for (String key : List.of("io.containerd.image.name", "org.opencontainers.image.ref.name")) {
            String value = annotations.path(key).asText("");
            if (value.contains(":") || value.contains("/")) {
                try {
                    ImageReference reference = ImageReference.parse(value);
                    if (reference.digest() == null) {
                        return reference.familiar();
                    }
                } catch (InvalidImageReferenceException e) {
                    // not a reference after all
                }
            }
        }
        return null;
    }

    private static boolean matches(JsonNode wanted, Platform platform) {
        if (wanted.isMissingNode() || wanted.isNull()) {
            return true;
        }
        String variant = wanted.path("variant").asText("");
        return platform.os().equals(wanted.path("os").asText(""))
                && platform.architecture().equals(Platform.normaliseArchitecture(wanted.path("architecture").asText("")))
                && (platform.variant().isEmpty() || variant.isEmpty() || platform.variant().equals(variant));
    }

    private static String blobPath(String digest, Path origin) {
        int colon = digest.indexOf(':');
        if (colon <= 0 || !digest.substring(colon + 1).matches("[a-f0-9]{32,128}")) {
            throw new ContainerEngineException("Loading images from " + origin + " failed: \"" + digest + "\" is not a digest");
        }
        return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
    }

    private static JsonNode json(LayoutFiles files, String name, Path origin) throws IOException {
        byte[] bytes = files.read(name);
        if (bytes == null) {
            throw new ContainerEngineException("Loading images from " + origin + " failed: the OCI layout lacks " + name);
        }
        try {
            return DockerApi.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ContainerEngineException("Loading images from " + origin + " failed: " + name + " is not JSON", e);
        }
    }

    private static String clean(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    private static boolean compressed(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(6);
        }
        return head.length >= 2 && ((head[0] == 0x1f && (head[1] & 0xff) == 0x8b)                       // gzip
                || (head[0] == 'B' && head[1] == 'Z')                                                  // bzip2
                || (head.length >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z')  // xz
                || (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
                        && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd));                    // zstd
    }

    private static TarArchiveOutputStream tarStream(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    private static void addFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static ContainerEngineException notAnArchive(Path path) {
        return new ContainerEngineException("Loading images from " + path + " failed: it is neither a docker save archive"
                + " (no manifest.json) nor an OCI image layout (no index.json)");
    }

    /** Lets the tar writer finish its trailer without closing OkHttp's sink, which OkHttp closes itself. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
