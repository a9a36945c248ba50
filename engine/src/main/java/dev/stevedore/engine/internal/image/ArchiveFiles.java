package dev.stevedore.engine.internal.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The files of an image archive, read by name: a directory (an OCI layout) or a tar of one or of a
 * {@code docker save} (plain or gzip-compressed). Nothing is ever extracted to disk by the names the
 * archive chose: names are normalised (a leading {@code /} dropped, as tar does), and those that would
 * leave the archive ({@code ..} past its root, links pointing outside it) are simply not there.
 */
abstract sealed class ArchiveFiles implements Closeable {
    private static final int MAX_LINK_HOPS = 16;

    /** Opens a directory or a (gzip-compressed) tar file. */
    static ArchiveFiles open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return new Directory(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such archive or directory");
        }
        return new Tar(path);
    }

    /** Whether a regular file of that name is in the archive. */
    abstract boolean exists(String name);

    /** The file's size in bytes. */
    abstract long size(String name) throws IOException;

    /** Opens the file. */
    abstract InputStream open(String name) throws IOException;

    /** The names of the directories at the archive's top level, sorted. */
    abstract List<String> topLevelDirectories() throws IOException;

    /** Reads a small file whole, refusing one larger than {@code limit}. */
    byte[] read(String name, int limit) throws IOException {
        long size = size(name);
        if (size > limit) {
            throw new ImageFormatException(name + " has " + size + " bytes, more than the " + limit + " accepted");
        }
        try (InputStream in = open(name)) {
            return in.readNBytes(limit);
        }
    }

    /**
     * A name as the archive means it, relative to its root without {@code ./}; {@code null} when it
     * would leave the root.
     */
    static String normalise(String name) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.replace('\\', '/').split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    /** An unpacked layout: names resolve under the root, and the real file must stay under it too. */
    private static final class Directory extends ArchiveFiles {
        private final Path root;

        Directory(Path root) throws IOException {
            this.root = root.toRealPath();
        }

        private Path file(String name) throws IOException {
            String normalised = normalise(name);
            if (normalised == null) {
                throw new NoSuchFileException(name, null, "outside the archive");
            }
            Path real = root.resolve(normalised).toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(name, null, "not a file inside " + root);
            }
            return real;
        }

        @Override
        boolean exists(String name) {
            try {
                file(name);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        long size(String name) throws IOException {
            return Files.size(file(name));
        }

        @Override
        InputStream open(String name) throws IOException {
            return Files.newInputStream(file(name));
        }

        @Override
        List<String> topLevelDirectories() throws IOException {
            try (Stream<Path> children = Files.list(root)) {
                return children.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                        .map(p -> p.getFileName().toString()).sorted().toList();
            }
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return root.toString();
        }
    }

    /** A tar read by random access; a gzip-compressed one is decompressed to a temporary file first. */
    private static final class Tar extends ArchiveFiles {
        private final Path source;
        private final Path decompressed;
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        Tar(Path source) throws IOException {
            this.source = source;
            this.decompressed = isGzip(source) ? gunzip(source) : null;
            try {
                this.tar = new TarFile(decompressed != null ? decompressed : source);
            } catch (IOException | RuntimeException e) {
                deleteTemp();
                throw new ImageFormatException(source + " is not a tar archive (" + e.getMessage() + ")", e);
            }
            for (TarArchiveEntry entry : tar.getEntries()) {
                String name = normalise(entry.getName());
                if (name != null && (isRegular(entry) || entry.isSymbolicLink() || entry.isLink())) {
                    entries.put(name, entry); // a later entry of the same name wins, as when tar extracts
                } else if (name != null) {
                    entries.remove(name);
                }
            }
        }

        /** commons-compress calls every non-directory a file; links and devices are not. */
        private static boolean isRegular(TarArchiveEntry entry) {
            return entry.isFile() && !entry.isSymbolicLink() && !entry.isLink() && !entry.isCharacterDevice()
                    && !entry.isBlockDevice() && !entry.isFIFO();
        }

        private static boolean isGzip(Path path) throws IOException {
            try (InputStream in = Files.newInputStream(path)) {
                byte[] magic = in.readNBytes(2);
                return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
            }
        }

        private static Path gunzip(Path source) throws IOException {
            Path temp = Files.createTempFile("stevedore-import-", ".tar");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(source), 64 * 1024);
                 OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            return temp;
        }

        /** The regular-file entry a name stands for, following links inside the archive only. */
        private TarArchiveEntry entry(String name) throws NoSuchFileException {
            String current = normalise(name);
            for (int hop = 0; current != null && hop < MAX_LINK_HOPS; hop++) {
                TarArchiveEntry entry = entries.get(current);
                if (entry == null) {
                    break;
                }
                if (isRegular(entry)) {
                    return entry;
                }
                // hard links name their target from the archive's root, symbolic links from their own directory
                String target = entry.getLinkName();
                current = entry.isLink() ? normalise(target)
                        : target.startsWith("/") ? null : normalise(parent(current) + target);
            }
            throw new NoSuchFileException(name, null, "not a file inside " + source);
        }

        @Override
        boolean exists(String name) {
            try {
                entry(name);
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }

        @Override
        long size(String name) throws IOException {
            return entry(name).getSize();
        }

        @Override
        InputStream open(String name) throws IOException {
            return tar.getInputStream(entry(name));
        }

        @Override
        List<String> topLevelDirectories() {
            return entries.keySet().stream().filter(name -> name.indexOf('/') > 0)
                    .map(name -> name.substring(0, name.indexOf('/'))).distinct().sorted().toList();
        }

        private void deleteTemp() throws IOException {
            if (decompressed != null) {
                Files.deleteIfExists(decompressed);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                tar.close();
            } finally {
                deleteTemp();
            }
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }
}
