package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes the layer of a COPY or ADD: context files (globs resolved, directories copied by their contents),
 * files of another stage or image (as a tar of them), here-documents, and for ADD local tar archives unpacked and
 * URLs fetched. Owners are root unless {@code --chown} says otherwise; modes are kept unless {@code --chmod};
 * missing parent directories of the destination are made root-owned, mode 0755, as Docker makes them.
 */
final class CopyStep {
    private final LayerWriter layer;
    private final RootView root;
    private final Integer uid;
    private final Integer gid;
    private final Integer chmod;
    private final boolean chowned;
    private final Instant now;

    CopyStep(LayerWriter layer, RootView root, int[] owner, Integer chmod, Instant now) {
        this.layer = layer;
        this.root = root;
        this.uid = owner == null ? 0 : owner[0];
        this.gid = owner == null ? 0 : owner[1];
        this.chmod = chmod;
        this.chowned = owner != null;
        this.now = now;
    }

    /** Makes the parents of {@code path} (absolute, cleaned) that the stage lacks. */
    void parents(String path) throws IOException {
        String rel = path.replaceFirst("^/+", "");
        int slash = -1;
        while ((slash = rel.indexOf('/', slash + 1)) > 0) {
            directory("/" + rel.substring(0, slash), 0755, 0, 0);
        }
    }

    /** Makes the directory {@code path} unless the stage or this layer has it already. */
    void directory(String path, int mode, int owner, int group) throws IOException {
        if (!layer.has(path) && !root.isDirectory(path)) {
            layer.directory(path, mode, owner, group, now);
        }
    }

    /** Copies a context source (a file, or a directory's contents) to {@code target}. */
    void context(BuildContext context, BuildContext.Source source, String target, boolean add) throws IOException {
        if (context.isDirectory(source)) {
            parents(target);
            directory(target, 0755, uid, gid);
            String prefix = source.path().isEmpty() ? "" : source.path() + "/";
            for (Map.Entry<String, Path> e : context.below(source.path()).entrySet()) {
                entry(e.getValue(), target + "/" + e.getKey().substring(prefix.length()));
            }
        } else if (add && isArchive(source.file())) {
            parents(target);
            directory(target, 0755, 0, 0);
            try (InputStream in = openArchive(source.file())) {
                archive(in, target, false, true);
            }
        } else {
            parents(target);
            entry(source.file(), target);
        }
    }

    private void entry(Path file, String target) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode") & 07777;
        Instant mtime = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant();
        if (Files.isSymbolicLink(file)) {
            layer.symlink(target, Files.readSymbolicLink(file).toString(), uid, gid, mtime);
        } else if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            layer.directory(target, chmod != null ? chmod : mode, uid, gid, mtime);
        } else {
            layer.file(target, file, chmod != null ? chmod : mode, uid, gid, mtime);
        }
    }

    /** Writes a here-document as the file {@code target}. */
    void bytes(String target, byte[] content) throws IOException {
        parents(target);
        layer.bytes(target, content, chmod != null ? chmod : 0644, uid, gid, now);
    }

    /** Writes a downloaded file (ADD of a URL), mode 0600 as Docker gives it. */
    void downloaded(Path file, String target, Instant mtime) throws IOException {
        parents(target);
        layer.file(target, file, chmod != null ? chmod : 0600, uid, gid, mtime);
    }

    /**
     * Copies the entries of {@code tar} under {@code target}. With {@code stripTop} (a {@code docker cp}-style tar of
     * one path from another stage) a top directory's contents go into {@code target}, a top file becomes {@code target}
     * (or goes into it, {@code intoDirectory}).
     */
    void archive(InputStream in, String target, boolean stripTop, boolean intoDirectory) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry entry;
        String top = null;
        boolean topIsDirectory = false;
        while ((entry = tar.getNextEntry()) != null) {
            String name = IgnoreMatcher.clean(entry.getName());
            if (name.equals("..") || name.startsWith("../")) {
                throw new BuildException("refusing archive entry " + entry.getName() + " outside its directory", null, -1, List.of());
            }
            String dest;
            if (stripTop) {
                if (top == null) {
                    top = name;
                    topIsDirectory = entry.isDirectory();
                    if (topIsDirectory) {
                        parents(target);
                        directory(target, 0755, uid, gid);
                        continue;
                    }
                    dest = intoDirectory ? target + "/" + name : target;
                    parents(dest);
                } else {
                    dest = target + "/" + name.substring(top.length() + 1);
                }
            } else {
                if (name.equals(".")) {
                    continue;
                }
                dest = target + "/" + name;
            }
            Integer mode = chmod != null && !entry.isSymbolicLink() ? chmod : null;
            if (entry.isLink()) {
                String linkTarget = IgnoreMatcher.clean(entry.getLinkName());
                String mapped = stripTop ? target + "/" + linkTarget.substring(Math.min(linkTarget.length(), top.length() + 1))
                        : target + "/" + linkTarget;
                layer.hardlink(dest, mapped, uid, gid, entry.getModTime().toInstant());
                continue;
            }
            // an unpacked archive keeps its owners unless --chown says otherwise, as Docker's ADD does
            boolean own = stripTop || chowned;
            layer.copy(entry, dest, tar, mode, own ? uid : (int) entry.getLongUserId(), own ? gid : (int) entry.getLongGroupId());
        }
    }

    /** Whether ADD unpacks this file: a tar, plain or compressed with gzip, bzip2 or xz. */
    static boolean isArchive(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            InputStream in = raw;
            try {
                in = new BufferedInputStream(new CompressorStreamFactory().createCompressorInputStream(raw));
            } catch (CompressorException notCompressed) {
                // a plain tar, or no archive at all
            }
            byte[] header = in.readNBytes(512);
            return header.length == 512 && TarArchiveInputStream.matches(header, header.length);
        }
    }

    /** The archive's content stream, decompressed. */
    static InputStream openArchive(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        try {
            return new BufferedInputStream(new CompressorStreamFactory().createCompressorInputStream(raw));
        } catch (CompressorException notCompressed) {
            return raw;
        }
    }
}
