package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.layer.UpperDirectory;
import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.os.Xattrs;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes one layer as an uncompressed tar into a temporary file, then into the content store: the entries a COPY
 * or ADD makes, or the upper directory a RUN left, with overlay whiteouts (0/0 character devices, opaque
 * directories) turned into OCI {@code .wh.} entries. Times past the build's epoch are clamped to it, so a build
 * with {@code SOURCE_DATE_EPOCH} writes the same bytes for the same files. The layer is stored uncompressed
 * (its digest is its DiffID): building and unpacking skip gzip, and a registry takes it as it is.
 */
final class LayerWriter implements AutoCloseable {
    private static final Set<String> OPAQUE = Set.of("trusted.overlay.opaque", "user.overlay.opaque");
    private static final String PREFIX = "layer-";
    /**
     * This JVM as the owner of its temporary layer files: its pid and its start time (a pid alone may be reused by a
     * later process), so that the files of a JVM that was killed can be told apart from those of a live build.
     */
    private static final String OWNER = owner(ProcessHandle.current());

    private final Path file;
    private final MessageDigest sha256;
    private final TarArchiveOutputStream tar;
    private final Instant clamp;
    private final Set<String> written = new HashSet<>();
    private boolean closed;

    /** @param clamp the latest time a file may carry, {@code null} for none */
    LayerWriter(Path temporaryDirectory, Instant clamp) throws IOException {
        Files.createDirectories(temporaryDirectory);
        this.file = Files.createTempFile(temporaryDirectory, PREFIX + OWNER + "-", ".tar");
        this.clamp = clamp;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha256);
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    private static String owner(ProcessHandle process) {
        return process.pid() + "-" + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Deletes the temporary layer files in {@code temporaryDirectory} whose JVM has ended: a build killed while it
     * wrote a layer (a COPY of a large context, the upper directory of a RUN) leaves its file behind, as it cannot
     * delete it; the next build does.
     */
    static void deleteAbandoned(Path temporaryDirectory) throws IOException {
        if (!Files.isDirectory(temporaryDirectory)) {
            return;
        }
        try (var files = Files.newDirectoryStream(temporaryDirectory, PREFIX + "*.tar")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().split("-");
                if (parts.length < 4 || !parts[1].matches("\\d+") || !parts[2].matches("\\d+")) {
                    continue;
                }
                boolean ownerRuns = ProcessHandle.of(Long.parseLong(parts[1]))
                        .filter(p -> owner(p).equals(parts[1] + "-" + parts[2])).isPresent();
                if (!ownerRuns) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Whether the layer has an entry by this name already. */
    boolean has(String name) {
        return written.contains(strip(name));
    }

    void directory(String name, int mode, int uid, int gid, Instant mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(strip(name) + "/", TarConstants.LF_DIR);
        put(entry, mode, uid, gid, mtime, 0);
        tar.closeArchiveEntry();
    }

    void file(String name, Path source, int mode, int uid, int gid, Instant mtime) throws IOException {
        long size = Files.size(source);
        TarArchiveEntry entry = new TarArchiveEntry(strip(name), TarConstants.LF_NORMAL);
        put(entry, mode, uid, gid, mtime, size);
        try (InputStream in = Files.newInputStream(source)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    void bytes(String name, byte[] content, int mode, int uid, int gid, Instant mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(strip(name), TarConstants.LF_NORMAL);
        put(entry, mode, uid, gid, mtime, content.length);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    void symlink(String name, String target, int uid, int gid, Instant mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(strip(name), TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        put(entry, 0777, uid, gid, mtime, 0);
        tar.closeArchiveEntry();
    }

    void hardlink(String name, String target, int uid, int gid, Instant mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(strip(name), TarConstants.LF_LINK);
        entry.setLinkName(strip(target));
        put(entry, 0644, uid, gid, mtime, 0);
        tar.closeArchiveEntry();
    }

    /** Copies an entry of another tar (with its content, when it is a file) under a new name. */
    void copy(TarArchiveEntry source, String name, InputStream content, Integer mode, Integer uid, Integer gid)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(source.isDirectory() ? strip(name) + "/" : strip(name), source.getLinkFlag());
        entry.setLinkName(source.getLinkName());
        entry.setDevMajor(source.getDevMajor());
        entry.setDevMinor(source.getDevMinor());
        put(entry, mode != null ? mode : source.getMode() & 07777, uid != null ? uid : (int) source.getLongUserId(),
                gid != null ? gid : (int) source.getLongGroupId(), source.getModTime().toInstant(),
                source.isFile() ? source.getSize() : 0);
        if (source.isFile()) {
            content.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    /**
     * Adds what a RUN changed: everything in the container's upper directory, bottom-up order of names, whiteouts
     * converted, hard links within the layer kept as links. Mount points the runtime made for its own files
     * ({@code skip}) are left out when they are empty. Owners are the container's ({@code access} maps what this JVM
     * sees); when this JVM may not read a file, the whole directory is read by {@code access.inNamespace()}.
     */
    void upperDirectory(Path upper, Set<String> skip, UpperDirectoryAccess access) throws IOException {
        List<Item> items;
        try {
            items = items(upper, skip);
        } catch (AccessDeniedException | UncheckedIOException e) {
            if (access.inNamespace() == null || e instanceof UncheckedIOException u && !(u.getCause() instanceof AccessDeniedException)) {
                throw e;
            }
            fromNamespace(upper, skip, access.inNamespace());
            return;
        }
        Map<Long, String> inodes = new HashMap<>();
        for (Item item : items) {
            Path path = item.path();
            String name = item.name();
            Map<String, Object> attrs = item.attributes();
            int mode = (Integer) attrs.get("mode");
            int type = mode & Libc.S_IFMT;
            int uid = access.uid((Integer) attrs.get("uid"));
            int gid = access.gid((Integer) attrs.get("gid"));
            Instant mtime = ((java.nio.file.attribute.FileTime) attrs.get("lastModifiedTime")).toInstant();
            switch (type) {
                case Libc.S_IFDIR -> {
                    directory(name, mode & 07777, uid, gid, mtime);
                    if (isOpaque(path)) {
                        bytes(name + "/.wh..wh..opq", new byte[0], 0, 0, 0, mtime);
                    }
                }
                case Libc.S_IFCHR -> {
                    if ((Long) attrs.get("rdev") == 0) {
                        Path parent = Path.of(name).getParent();
                        String whiteout = (parent == null ? "" : parent + "/") + ".wh." + path.getFileName();
                        bytes(whiteout, new byte[0], 0, 0, 0, mtime);
                    } else {
                        device(name, mode, uid, gid, mtime, (Long) attrs.get("rdev"), TarConstants.LF_CHR);
                    }
                }
                case Libc.S_IFBLK -> device(name, mode, uid, gid, mtime, (Long) attrs.get("rdev"), TarConstants.LF_BLK);
                case Libc.S_IFIFO -> device(name, mode, uid, gid, mtime, 0, TarConstants.LF_FIFO);
                case Libc.S_IFLNK -> symlink(name, Files.readSymbolicLink(path).toString(), uid, gid, mtime);
                case Libc.S_IFREG -> {
                    long inode = (Long) attrs.get("ino");
                    String first = (Integer) attrs.get("nlink") > 1 ? inodes.putIfAbsent(inode, name) : null;
                    if (first != null) {
                        hardlink(name, first, uid, gid, mtime);
                    } else {
                        file(name, path, mode & 07777, uid, gid, mtime);
                    }
                }
                default -> { } // sockets do not belong in a layer
            }
        }
    }

    private record Item(Path path, String name, Map<String, Object> attributes) {
    }

    /**
     * Every path of {@code upper} with its attributes, before anything is written: a file this JVM may not read
     * ({@code AccessDeniedException}) is found here, while the layer can still be read elsewhere as a whole.
     */
    private static List<Item> items(Path upper, Set<String> skip) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(upper)) {
            paths = walk.filter(p -> !p.equals(upper)).sorted().toList();
        }
        paths = UpperDirectory.withoutRuntimeFiles(upper, paths, skip);
        List<Item> items = new ArrayList<>(paths.size());
        for (Path path : paths) {
            Map<String, Object> attrs = Files.readAttributes(path, "unix:mode,uid,gid,rdev,ino,nlink,lastModifiedTime,size",
                    LinkOption.NOFOLLOW_LINKS);
            if (((Integer) attrs.get("mode") & Libc.S_IFMT) == Libc.S_IFREG && !Files.isReadable(path)) {
                throw new AccessDeniedException(path.toString());
            }
            items.add(new Item(path, upper.relativize(path).toString(), attrs));
        }
        return items;
    }

    /** The layer entries of {@code upper} as {@code archiver} reads them in a process of its own, copied in. */
    private void fromNamespace(Path upper, Set<String> skip, UpperDirectoryArchiver archiver) throws IOException {
        Path made = Files.createTempFile(file.getParent(), PREFIX + OWNER + "-upper-", ".tar");
        try {
            archiver.archiveInto(upper, skip, made);
            try (InputStream in = Files.newInputStream(made);
                 TarArchiveInputStream entries = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
                for (TarArchiveEntry entry = entries.getNextTarEntry(); entry != null; entry = entries.getNextTarEntry()) {
                    copy(entry, entry.getName(), entries, null, null, null);
                }
            }
        } finally {
            Files.deleteIfExists(made);
        }
    }

    private void device(String name, int mode, int uid, int gid, Instant mtime, long rdev, byte kind) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(strip(name), kind);
        entry.setDevMajor((int) ((rdev >>> 8) & 0xfff | (rdev >>> 32) & ~0xfff));
        entry.setDevMinor((int) (rdev & 0xff | (rdev >>> 12) & ~0xff));
        put(entry, mode & 07777, uid, gid, mtime, 0);
        tar.closeArchiveEntry();
    }

    private static boolean isOpaque(Path dir) throws IOException {
        byte[] path = dir.toString().getBytes(StandardCharsets.UTF_8);
        try {
            for (String attribute : OPAQUE) {
                byte[] value = Xattrs.lgetxattr(path, attribute);
                if (value != null && value.length == 1 && value[0] == 'y') {
                    return true;
                }
            }
            return false;
        } catch (ErrnoException e) {
            if (e.errno() == Libc.EOPNOTSUPP) {
                return false;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    private void put(TarArchiveEntry entry, int mode, int uid, int gid, Instant mtime, long size) throws IOException {
        entry.setMode(mode);
        entry.setUserId(uid);
        entry.setGroupId(gid);
        entry.setUserName("");
        entry.setGroupName("");
        Instant time = clamp != null && mtime.isAfter(clamp) ? clamp : mtime;
        entry.setModTime(java.nio.file.attribute.FileTime.from(time.getEpochSecond(), java.util.concurrent.TimeUnit.SECONDS));
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        written.add(strip(entry.getName()));
    }

    private static String strip(String name) {
        String n = name;
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    /** Finishes the tar and moves it to {@code target} (uncompressed, as written). */
    void finishInto(Path target) throws IOException {
        tar.finish();
        tar.close();
        closed = true;
        Files.move(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Finishes the tar and moves it into the store; the temporary file goes either way. */
    Descriptor store(ContentStore store) throws IOException {
        try {
            tar.finish();
            tar.close();
            closed = true;
            Digest digest = Digest.parse("sha256:" + java.util.HexFormat.of().formatHex(sha256.digest()));
            long size = Files.size(file);
            store.ingest(digest, size, out -> {
                try (InputStream in = Files.newInputStream(file)) {
                    in.transferTo(out);
                }
            });
            return new Descriptor(MediaTypes.OCI_LAYER_TAR, digest, size);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                tar.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
