package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.docker.wire.GoFileMode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.ContainerNotFoundException;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Copies tar streams into and out of a container through the archive endpoints
 * ({@code PUT}/{@code HEAD}/{@code GET /containers/{id}/archive?path=}), before start or while running.
 *
 * <p>The daemon extracts only into a directory that exists. For a missing one, the stream is rewritten on
 * the fly: its entries are moved below the missing part of the path and sent to the nearest directory that
 * exists, with entries for the missing directories in front (mode 0755, root, as {@code mkdir -p} in the
 * container would make them). No directory entry is ever sent for a directory that exists: extracting one
 * would reset that directory's mode, owner and time (a {@code /tmp} would lose its 1777). This works
 * without a shell in the image and on containers that have not started.
 */
final class DockerArchive {
    /** Go's {@code os.ModeDir}|0755: what a stat without a mode is taken for. */
    private static final long DIRECTORY = (1L << 31) | 0755;

    private final DockerApi api;

    DockerArchive(DockerApi api) {
        this.api = api;
    }

    void copyTo(String container, String directory, InputStream tar) {
        String target = normalise(directory);
        String ref = DockerContainers.reference(container);
        Optional<ContainerPathStat> found = stat(ref, target);
        if (found.isPresent()) {
            if (!found.get().isDirectory()) {
                throw new ContainerEngineException("Copying into " + target + " in container " + container
                        + " failed: that path is a file, not a directory; copy into its parent directory instead");
            }
            put(container, ref, target, new StreamingTarBody(tar::transferTo));
            return;
        }
        requireContainer(container, ref);
        String existing = target;
        List<String> missing = new ArrayList<>();
        while (true) {
            int slash = existing.lastIndexOf('/');
            missing.add(0, existing.substring(slash + 1));
            existing = slash == 0 ? "/" : existing.substring(0, slash);
            if (existing.equals("/")) {
                break;
            }
            Optional<ContainerPathStat> parent = stat(ref, existing);
            if (parent.isPresent()) {
                if (!parent.get().isDirectory()) {
                    throw new ContainerEngineException("Copying into " + target + " in container " + container
                            + " failed: " + existing + " is a file, so no directory can be made below it");
                }
                break;
            }
        }
        put(container, ref, existing, new StreamingTarBody(out -> writePrefixed(tar, missing, out)));
    }

    InputStream copyFrom(String container, String path) {
        String ref = DockerContainers.reference(container);
        Response response;
        try {
            response = api.call("GET", "/containers/" + ref + "/archive").query("path", path).open();
        } catch (DockerApiException e) {
            throw failure(e, container, "Copying " + path + " out of container " + container, path);
        }
        return new FilterInputStream(response.body().byteStream()) {
            @Override
            public void close() {
                response.close();
            }
        };
    }

    private void put(String container, String ref, String directory, RequestBody body) {
        try {
            api.call("PUT", "/containers/" + ref + "/archive").query("path", directory).body(body).discard();
        } catch (DockerApiException e) {
            throw failure(e, container, "Copying into " + directory + " in container " + container, directory);
        }
    }

    private static RuntimeException failure(DockerApiException e, String container, String action, String path) {
        String message = e.daemonMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (e.status() == 404 && lower.contains("no such container")) {
            return new ContainerNotFoundException(container);
        }
        if (e.status() == 404) {
            return new ContainerEngineException(action + " failed: there is no " + path + " in the container (" + message + ")", e);
        }
        if (e.status() == 403 || lower.contains("read-only")) {
            return new ContainerEngineException(action + " failed: " + message
                    + "; the container's root file system is read-only: copy into a mounted volume or tmpfs", e);
        }
        return new ContainerEngineException(action + " failed: " + e.getMessage(), e);
    }

    /**
     * The daemon's path stat, or empty when nothing is at the path (or, for {@code copyTo}'s walk, no such container:
     * {@link #requireContainer} tells the two apart). A daemon that sends no stat gets a directory's, so the extraction
     * says what is wrong instead.
     */
    Optional<ContainerPathStat> stat(String ref, String path) {
        try (Response response = api.call("HEAD", "/containers/" + ref + "/archive").query("path", path).open()) {
            String header = response.header("X-Docker-Container-Path-Stat");
            if (header == null) {
                return Optional.of(new ContainerPathStat(baseName(path), 0, 0040755, Instant.EPOCH, ""));
            }
            JsonNode stat = DockerApi.MAPPER.readTree(Base64.getDecoder().decode(header.strip()));
            Instant modified = stat.hasNonNull("mtime") ? Instant.parse(stat.get("mtime").asText()) : Instant.EPOCH;
            return Optional.of(new ContainerPathStat(stat.path("name").asText(baseName(path)), stat.path("size").asLong(),
                    GoFileMode.toPosix(stat.path("mode").asLong(DIRECTORY)), modified, stat.path("linkTarget").asText("")));
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ContainerEngineException("Reading the stat of " + path + " in container " + ref
                    + " from the Docker daemon failed: " + e.getMessage(), e);
        }
    }

    /** {@link #stat} for a caller: a missing container is said as such. */
    Optional<ContainerPathStat> statPath(String container, String path) {
        String ref = DockerContainers.reference(container);
        Optional<ContainerPathStat> stat = stat(ref, normalise(path));
        if (stat.isEmpty()) {
            requireContainer(container, ref);
        }
        return stat;
    }

    private static String baseName(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.equals("/") ? "/" : p.substring(p.lastIndexOf('/') + 1);
    }

    private void requireContainer(String container, String ref) {
        try {
            api.call("GET", "/containers/" + ref + "/json").discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
    }

    /** {@code /a//b/./c/} → {@code /a/b/c} ({@code ..} resolved, never above {@code /}); a relative path is refused. */
    static String normalise(String directory) {
        if (directory == null || !directory.startsWith("/")) {
            throw new IllegalArgumentException("the directory to copy into must be an absolute path in the container, not \""
                    + directory + "\"");
        }
        return Path.of(directory).normalize().toString();
    }

    /**
     * Writes {@code tar} with every entry moved below {@code missing} (the directories to create, outermost
     * first), which are written as entries of their own first.
     */
    static void writePrefixed(InputStream tar, List<String> missing, OutputStream target) throws IOException {
        TarArchiveOutputStream out = new TarArchiveOutputStream(target, StandardCharsets.UTF_8.name());
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        out.setAddPaxHeadersForNonAsciiNames(true);
        StringBuilder prefix = new StringBuilder();
        java.util.Date now = java.util.Date.from(Instant.now());
        for (String directory : missing) {
            prefix.append(directory).append('/');
            TarArchiveEntry entry = new TarArchiveEntry(prefix.toString(), TarConstants.LF_DIR);
            entry.setMode(040755);
            entry.setModTime(now);
            out.putArchiveEntry(entry);
            out.closeArchiveEntry();
        }
        TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
        for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
            // the archive's own "./" becomes the directory just made, and gives it its mode and owner
            String name = relative(entry.getName());
            TarArchiveEntry moved = new TarArchiveEntry(prefix + name, entry.getLinkFlag(), true);
            moved.setMode(entry.getMode());
            moved.setUserId(entry.getLongUserId());
            moved.setGroupId(entry.getLongGroupId());
            moved.setUserName(entry.getUserName());
            moved.setGroupName(entry.getGroupName());
            moved.setModTime(entry.getModTime());
            if (entry.isSymbolicLink()) {
                moved.setLinkName(entry.getLinkName());
            } else if (entry.isLink()) {
                moved.setLinkName(prefix + relative(entry.getLinkName()));
            }
            if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                moved.setDevMajor(entry.getDevMajor());
                moved.setDevMinor(entry.getDevMinor());
            }
            entry.getExtraPaxHeaders().forEach(moved::addPaxHeader);
            if (entry.isFile() && !entry.isLink()) {
                moved.setSize(entry.getSize());
            }
            out.putArchiveEntry(moved);
            if (moved.getSize() > 0) {
                in.transferTo(out);
            }
            out.closeArchiveEntry();
        }
        out.finish();
        out.flush();
    }

    /** An entry name without {@code ./} or {@code /} in front; the archive root itself is empty. */
    static String relative(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.startsWith("./") ? n.substring(2) : n.substring(1);
        }
        return n.equals(".") ? "" : n;
    }
}
