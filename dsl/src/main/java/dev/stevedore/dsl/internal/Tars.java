package dev.stevedore.dsl.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tar streams for the engine's copy operations: one file (from memory or the host) as a single entry, a
 * host directory as its tree, and reading one file back out of a stream. Entries belong to root; modes
 * are kept (host files: executable or not).
 */
public final class Tars {

    private static final int RECORD = 512;

    private Tars() {
    }

    /** A tar holding {@code content} as the regular file {@code name} with {@code mode}. */
    public static byte[] ofFile(String name, byte[] content, int mode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 1024);
        try (TarArchiveOutputStream tar = open(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setMode(mode);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("packing " + name + " failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * A tar streaming {@code content} ({@code size} bytes, read once, not closed here) as the regular file
     * {@code name} with {@code mode}: for files too big to hold in memory twice.
     */
    public static InputStream ofFile(String name, InputStream content, long size, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(mode);
        byte[] header = new byte[RECORD];
        entry.writeEntryHeader(header);
        int padding = (int) ((RECORD - size % RECORD) % RECORD);
        // the file's padding to a whole record, then the two empty records that end an archive
        return new SequenceInputStream(java.util.Collections.enumeration(List.of(new ByteArrayInputStream(header), content,
                new ByteArrayInputStream(new byte[padding + 2 * RECORD]))));
    }

    /**
     * A tar of the host path {@code source}: a file as the entry {@code name}; a directory's content as
     * entries below {@code name} ({@code name} empty: at the top).
     */
    public static byte[] ofHostPath(Path source, String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = open(bytes)) {
            if (Files.isDirectory(source)) {
                List<Path> paths;
                try (Stream<Path> walk = Files.walk(source)) {
                    paths = walk.sorted().collect(Collectors.toList());
                }
                for (Path path : paths) {
                    String relative = source.relativize(path).toString().replace('\\', '/');
                    String entryName = join(name, relative);
                    if (entryName.isEmpty()) {
                        continue;
                    }
                    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        TarArchiveEntry entry = new TarArchiveEntry(entryName + "/");
                        entry.setMode(0755);
                        tar.putArchiveEntry(entry);
                        tar.closeArchiveEntry();
                    } else if (Files.isRegularFile(path)) {
                        putFile(tar, path, entryName);
                    }
                }
            } else {
                putFile(tar, source, name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("packing " + source + " for a copy into a container failed", e);
        }
        return bytes.toByteArray();
    }

    /** Writes the content of the first regular file in {@code tar} to {@code out}; false when there is none. */
    public static boolean extractFirstFile(InputStream tar, OutputStream out) throws IOException {
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            if (entry.isFile()) {
                in.transferTo(out);
                return true;
            }
        }
        return false;
    }

    /**
     * Extracts {@code tar} below {@code target}, refusing entries that would land outside it; links are
     * not followed or created (a copy out of a container brings files and directories only).
     */
    public static void extractTo(InputStream tar, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            Path path = root.resolve(entry.getName()).normalize();
            if (!path.startsWith(root)) {
                throw new IOException("tar entry " + entry.getName() + " points outside " + root);
            }
            if (entry.isDirectory()) {
                Files.createDirectories(path);
            } else if (entry.isFile()) {
                Files.createDirectories(path.getParent());
                Files.copy(in, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if ((entry.getMode() & 0100) != 0) {
                    path.toFile().setExecutable(true);
                }
            }
        }
    }

    /** A stream over {@code bytes}. */
    public static InputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static void putFile(TarArchiveOutputStream tar, Path file, String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(Files.size(file));
        entry.setMode(executable(file) ? 0755 : 0644);
        tar.putArchiveEntry(entry);
        Files.copy(file, tar);
        tar.closeArchiveEntry();
    }

    private static boolean executable(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isExecutable(file);
        }
    }

    private static String join(String prefix, String relative) {
        if (prefix.isEmpty()) {
            return relative;
        }
        return relative.isEmpty() ? prefix : prefix + "/" + relative;
    }

    private static TarArchiveOutputStream open(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }
}
