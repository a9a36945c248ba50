package dev.stevedore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The host's side of {@code cp}, as docker's CLI does it: a container's tar written out as files (modes, times,
 * symbolic and hard links; owned by whoever runs the command, never chowned), and host files read into a tar with their
 * owners, modes and links.
 */
final class HostTar {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private HostTar() {
    }

    /**
     * Writes the entries of {@code tar} out with its top component replaced by {@code root} ({@code etc/passwd} with
     * root {@code /tmp/x} becomes {@code /tmp/x/passwd}); an entry that would land outside {@code root} is refused.
     */
    static void extract(InputStream tar, Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        List<TarArchiveEntry> directories = new ArrayList<>();
        List<Path> directoryPaths = new ArrayList<>();
        TarArchiveInputStream entries = new TarArchiveInputStream(tar);
        for (TarArchiveEntry entry = entries.getNextTarEntry(); entry != null; entry = entries.getNextTarEntry()) {
            Path target = mapped(base, entry.getName());
            if (target == null) {
                continue;
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
                directories.add(entry);
                directoryPaths.add(target);
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            if (entry.isSymbolicLink()) {
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
                Path existing = mapped(base, entry.getLinkName());
                if (existing != null) {
                    Files.createLink(target, existing);
                }
                continue;
            } else if (entry.isFile()) {
                Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                continue; // devices and fifos: docker's cp leaves them to a root that wants them; so do we
            }
            finish(target, entry);
        }
        // directories last, deepest first: a read-only one must not stop what goes into it
        for (int i = directories.size() - 1; i >= 0; i--) {
            finish(directoryPaths.get(i), directories.get(i));
        }
    }

    /** {@code name} with its top component replaced by {@code base}; null when it would leave {@code base}. */
    private static Path mapped(Path base, String name) {
        String relative = name.replaceFirst("^(\\./)+", "").replaceFirst("^/+", "");
        int slash = relative.indexOf('/');
        String rest = slash < 0 ? "" : relative.substring(slash + 1);
        Path target = base.resolve(rest).normalize();
        return target.startsWith(base) ? target : null;
    }

    private static void finish(Path target, TarArchiveEntry entry) throws IOException {
        if (entry.isSymbolicLink()) {
            return; // a link's own mode and time mean nothing on Linux, and setting them would follow it
        }
        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        if ((entry.getMode() & 07000) != 0) {
            Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
        }
        Files.setLastModifiedTime(target, FileTime.from(entry.getModTime().toInstant()));
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }

    /**
     * Writes {@code source} as a tar to {@code out}: under {@code name} (null: its contents only, for {@code SRC/.}),
     * {@code source} itself followed when it is a link and {@code follow} is set (links below it never are).
     */
    static void write(Path source, String name, boolean follow, OutputStream out) throws IOException {
        Path top = follow ? source.toRealPath() : source;
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Map<Object, String> seen = new java.util.HashMap<>();
        if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
            add(tar, top, name, seen);
        } else {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    String entry = entryName(top, dir, name);
                    if (entry != null) {
                        add(tar, dir, entry + "/", seen);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    add(tar, file, entryName(top, file, name), seen);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        tar.finish();
        tar.flush();
    }

    private static String entryName(Path top, Path path, String name) {
        String relative = top.relativize(path).toString();
        if (name == null) {
            return relative.isEmpty() ? null : relative;
        }
        return relative.isEmpty() ? name : name + "/" + relative;
    }

    private static void add(TarArchiveOutputStream tar, Path path, String name, Map<Object, String> seen)
            throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,ino,dev,nlink,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        TarArchiveEntry entry;
        if (Files.isSymbolicLink(path)) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            entry = new TarArchiveEntry(name);
        } else {
            Object inode = List.of(unix.get("dev"), unix.get("ino"));
            String first = (Integer) unix.get("nlink") > 1 ? seen.putIfAbsent(inode, name) : null;
            if (first != null) {
                entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
                entry.setLinkName(first);
            } else {
                entry = new TarArchiveEntry(path.toFile(), name);
                entry.setSize(Files.size(path));
            }
        }
        entry.setMode((Integer) unix.get("mode") & 07777);
        entry.setModTime(((FileTime) unix.get("lastModifiedTime")).toMillis());
        entry.setUserId(((Integer) unix.get("uid")).longValue());
        entry.setGroupId(((Integer) unix.get("gid")).longValue());
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        // (commons-compress calls a symbolic link's entry a file too: ask the file system)
        if (!entry.isLink() && !entry.isSymbolicLink() && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            try (InputStream in = Files.newInputStream(path)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }
}
