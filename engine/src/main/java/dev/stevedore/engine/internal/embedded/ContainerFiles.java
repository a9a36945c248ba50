package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.runtime.IdMapping;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.Syscalls;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Copies files into and out of a container's file system through a descriptor of its root, as the
 * container itself sees it: its overlay, its volumes and bind mounts.
 *
 * <p><b>Safety.</b> The container may be running and hostile, and may swap any directory for a symlink
 * at any moment, so no host path into its tree is ever used. Every directory is reached with
 * {@code openat2(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)}: the kernel resolves each symlink and
 * {@code ..} as if {@code root} were {@code /}, atomically, so a lookup can never leave the container
 * (containerd and runc rely on the same call). The last component is then created, opened or
 * inspected relative to that directory descriptor with {@code O_NOFOLLOW} / {@code AT_SYMLINK_NOFOLLOW},
 * and owner, mode and times are set on descriptors of the objects themselves, never by path. Archive
 * member names are cleaned first ({@code ..} that climbs above the destination is refused); a symlink
 * the archive itself creates is followed by later members only inside the container, as
 * {@code docker cp}'s chrooted extraction does. Device files are refused: the container could use them
 * to reach host devices.
 *
 * <p>Past 500 lines with one job, as the one class that reaches into a container's tree (copy in, copy out, export): splitting
 * it would spread the one safety rule above over several classes; the archive formats are in their own.
 */
final class ContainerFiles {
    static final long RESOLVE = Syscalls.RESOLVE_IN_ROOT | Syscalls.RESOLVE_NO_MAGICLINKS;
    /** proc, sysfs, cgroup, cgroup2, devpts, mqueue, securityfs, debugfs, tracefs, bpf: archived as empty directories. */
    private static final Set<Long> PSEUDO_FILE_SYSTEMS = Set.of(0x9fa0L, 0x62656572L, 0x27e0ebL, 0x63677270L, 0x1cd1L,
            0x19800202L, 0x73636673L, 0x64626720L, 0x74726163L, 0xcafe4a11L);
    /** The files the runtime binds over the container's root file system (its own /etc/hosts and the like). */
    private static final Set<String> RUNTIME_FILES = Set.of("etc/hosts", "etc/resolv.conf", "etc/hostname");

    private final int root;
    /** The archive members made from what is read, with the owners the container sees. */
    private final TarMembers members;
    /** For an export: the device of the container's root file system; what is mounted on it is left empty. -1: none. */
    private long onlyDevice = -1;

    /** @param root an {@code O_PATH} descriptor of the container's root directory; the caller closes it */
    ContainerFiles(int root) {
        this(root, null);
    }

    /**
     * @param owners rootless, when this JVM reads the tree from outside the user's namespace: archives then carry the
     *               owners the container sees ({@code docker cp} and {@code export} of a file of uid 1000 say 1000, not
     *               the host's subordinate id). Null as root or inside the namespace, where the kernel already does.
     */
    ContainerFiles(int root, IdMapping owners) {
        this.root = root;
        this.members = new TarMembers(owners);
    }

    /**
     * The root of a running container: {@code /proc/PID/root} of its first process, opened only after
     * the process is known to be that container's (a recycled pid would make the descriptor dangle, not
     * point elsewhere: it is taken from the {@code /proc/PID} directory opened before the check).
     */
    static int openRoot(ProcessIdentity process) throws IOException {
        int proc = Libc.open("/proc/" + process.pid(), Libc.O_PATH | Libc.O_DIRECTORY);
        try {
            if (!process.isAlive()) {
                throw new ErrnoException("open the root of", "process " + process.pid(), Syscalls.ESRCH);
            }
            return Libc.openat(proc, bytes("root"), Libc.O_PATH | Libc.O_DIRECTORY, 0);
        } finally {
            Libc.close(proc);
        }
    }

    // ---- in -----------------------------------------------------------------------------------

    /** Extracts {@code in} (a tar stream) into {@code directory}, creating it when missing. */
    void extract(String directory, InputStream in) throws IOException {
        String destination = ContainerConfigs.normalize(directory);
        boolean root = Libc.geteuid() == 0;
        List<Map.Entry<String, TarArchiveEntry>> directories = new ArrayList<>();
        close(resolveDirectory(destination, true));
        TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            List<String> parts = clean(entry.getName());
            String parentPath = join(destination, parts.subList(0, Math.max(0, parts.size() - 1)));
            if (parts.isEmpty()) {
                if (entry.isDirectory()) {
                    int fd = Syscalls.openat2(this.root, destination, Libc.O_RDONLY | Libc.O_DIRECTORY, 0, RESOLVE);
                    try {
                        setAttributes(fd, entry, root, destination);
                    } finally {
                        close(fd);
                    }
                    directories.add(Map.entry(destination, entry));
                }
                continue;
            }
            int parent = resolveDirectory(parentPath, true);
            try {
                String path = join(parentPath, List.of(parts.get(parts.size() - 1)));
                if (put(parent, bytes(parts.get(parts.size() - 1)), path, entry, tar, destination, root)) {
                    directories.add(Map.entry(path, entry));
                }
            } finally {
                close(parent);
            }
        }
        // a directory's time changes as entries land in it: set them last, deepest first
        directories.sort(Comparator.comparing((Map.Entry<String, TarArchiveEntry> e) -> e.getKey().length()).reversed());
        for (Map.Entry<String, TarArchiveEntry> d : directories) {
            int fd = Syscalls.openat2(this.root, d.getKey(), Libc.O_RDONLY | Libc.O_DIRECTORY, 0, RESOLVE);
            try {
                setTimes(fd, d.getValue(), d.getKey());
            } finally {
                close(fd);
            }
        }
    }

    /** Applies one member; true when it made (or kept) a directory. */
    private boolean put(int parent, byte[] name, String path, TarArchiveEntry entry, InputStream content,
                        String destination, boolean root) throws IOException {
        Libc.Stat existing = Libc.lstatat(parent, name);
        if (entry.isDirectory()) {
            if (existing != null && !existing.isDirectory()) {
                Libc.unlinkat(parent, name, 0);
                existing = null;
            }
            if (existing == null) {
                Libc.mkdirat(parent, name, 0700);
            }
            int fd = Libc.openat(parent, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
            try {
                setAttributes(fd, entry, root, path);
            } finally {
                close(fd);
            }
            return true;
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw new IOException("\"" + entry.getName() + "\" is a device file; device files are not copied into "
                    + "containers (the container could reach the host's device through it)");
        }
        if (!(entry.isFile() || entry.isSymbolicLink() || entry.isLink() || entry.isFIFO())) {
            return false; // sockets and the like have no content to copy
        }
        if (existing != null) {
            if (existing.isDirectory()) {
                throw new IOException("cannot replace the directory " + path + " with \"" + entry.getName()
                        + "\", which is not a directory");
            }
            Libc.unlinkat(parent, name, 0);
        }
        if (entry.isSymbolicLink()) {
            Libc.symlinkat(bytes(entry.getLinkName()), parent, name);
            if (root) {
                Libc.lchownat(parent, name, id(entry.getLongUserId(), path), id(entry.getLongGroupId(), path));
            }
            FileTime time = entry.getLastModifiedTime();
            Libc.lutimensat(parent, name, time.toInstant().getEpochSecond(), time.toInstant().getNano(),
                    time.toInstant().getEpochSecond(), time.toInstant().getNano());
        } else if (entry.isLink()) {
            List<String> target = clean(entry.getLinkName());
            if (target.isEmpty()) {
                throw new IOException("the hard link \"" + entry.getName() + "\" points at the destination directory itself");
            }
            int targetParent = resolveDirectory(join(destination, target.subList(0, target.size() - 1)), false);
            try {
                Libc.linkat(targetParent, bytes(target.get(target.size() - 1)), parent, name);
            } finally {
                close(targetParent);
            }
        } else if (entry.isFIFO()) {
            Libc.mknodat(parent, name, Libc.S_IFIFO | 0600, 0, 0);
            int fd = Libc.openat(parent, name, Libc.O_PATH | Libc.O_NOFOLLOW, 0);
            try {
                if ((Syscalls.fstat(fd).type()) != Libc.S_IFIFO) {
                    throw new IOException(path + " changed while it was being created");
                }
                if (root) {
                    Libc.lchownat(parent, name, id(entry.getLongUserId(), path), id(entry.getLongGroupId(), path));
                }
                // an O_PATH descriptor takes no fchmod; its /proc/self/fd link reaches exactly this inode
                Files.setPosixFilePermissions(Path.of("/proc/self/fd/" + fd), permissions(entry.getMode()));
            } finally {
                close(fd);
            }
        } else {
            int fd = Libc.openat(parent, name, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, 0600);
            try {
                try (OutputStream out = Files.newOutputStream(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE)) {
                    content.transferTo(out);
                }
                setAttributes(fd, entry, root, path);
                setTimes(fd, entry, path);
            } finally {
                close(fd);
            }
        }
        return false;
    }

    private static void setAttributes(int fd, TarArchiveEntry entry, boolean root, String path) throws IOException {
        byte[] name = bytes(path);
        if (root) {
            Libc.fchown(fd, name, id(entry.getLongUserId(), path), id(entry.getLongGroupId(), path));
        }
        Libc.fchmod(fd, name, entry.getMode() & 07777); // after chown, which clears setuid
    }

    private static void setTimes(int fd, TarArchiveEntry entry, String path) throws IOException {
        Instant time = entry.getLastModifiedTime().toInstant();
        Libc.futimens(fd, bytes(path), time.getEpochSecond(), time.getNano(), time.getEpochSecond(), time.getNano());
    }

    private static int id(long value, String path) throws IOException {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IOException("\"" + path + "\" has the owner id " + value + ", outside 0.." + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    /**
     * An {@code O_PATH} descriptor of the directory {@code path} in the container, symlinks resolved
     * inside it; missing directories are created (0755, root) when {@code create} is set.
     */
    private int resolveDirectory(String path, boolean create) throws IOException {
        try {
            return Syscalls.openat2(root, path, Libc.O_PATH | Libc.O_DIRECTORY, 0, RESOLVE);
        } catch (ErrnoException e) {
            if (e.errno() != Libc.ENOENT || !create) {
                throw e;
            }
        }
        String current = "/";
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String next = current.equals("/") ? "/" + part : current + "/" + part;
            try {
                close(Syscalls.openat2(root, next, Libc.O_PATH | Libc.O_DIRECTORY, 0, RESOLVE));
            } catch (ErrnoException e) {
                if (e.errno() != Libc.ENOENT) {
                    throw e;
                }
                int parent = Syscalls.openat2(root, current, Libc.O_PATH | Libc.O_DIRECTORY, 0, RESOLVE);
                try {
                    Libc.mkdirat(parent, bytes(part), 0755);
                } catch (ErrnoException exists) {
                    if (exists.errno() != Libc.EEXIST) {
                        throw exists;
                    }
                } finally {
                    close(parent);
                }
            }
            current = next;
        }
        try {
            return Syscalls.openat2(root, path, Libc.O_PATH | Libc.O_DIRECTORY, 0, RESOLVE);
        } catch (ErrnoException e) {
            throw new IOException("cannot create the directory " + path + " in the container: a file or a dangling "
                    + "symlink is in the way (" + e.getMessage() + ")", e);
        }
    }

    /** The member name's components below the destination; refuses one that climbs above it. */
    static List<String> clean(String name) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new IOException("the archive member \"" + name + "\" climbs out of the destination with '..'");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            if (part.indexOf('\0') >= 0 || part.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IOException("the archive member \"" + name + "\" has an invalid file name");
            }
            parts.add(part);
        }
        return parts;
    }

    private static String join(String base, List<String> parts) {
        StringBuilder path = new StringBuilder(base.equals("/") ? "" : base);
        for (String part : parts) {
            path.append('/').append(part);
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    // ---- out ----------------------------------------------------------------------------------

    /**
     * Writes a tar stream of {@code path} to {@code out}: a file as one member, a directory with all
     * below it. Members are named from {@code topName} ({@code null}: the path's base name).
     *
     * @throws java.nio.file.NoSuchFileException when nothing is at {@code path}
     */
    void archive(String path, String topName, OutputStream out) throws IOException {
        String normalized = ContainerConfigs.normalize(path);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Map<String, String> hardLinks = new HashMap<>();
        if (normalized.equals("/")) {
            int dir = Syscalls.openat2(root, "/", Libc.O_RDONLY | Libc.O_DIRECTORY, 0, RESOLVE);
            try {
                directory(dir, Syscalls.fstat(dir), topName != null ? topName : ".", tar, hardLinks);
            } finally {
                close(dir);
            }
        } else {
            String base = normalized.substring(normalized.lastIndexOf('/') + 1);
            int parent = ContainerPathStats.openParent(root, normalized);
            if (parent < 0) {
                throw new java.nio.file.NoSuchFileException(normalized);
            }
            try {
                if (Libc.lstatat(parent, bytes(base)) == null) {
                    throw new java.nio.file.NoSuchFileException(normalized);
                }
                walk(parent, bytes(base), topName != null ? topName : base, tar, hardLinks);
            } finally {
                close(parent);
            }
        }
        tar.finish();
        tar.flush();
    }

    /** The attributes of {@code path}, or empty when nothing is there ({@link ContainerPathStats#stat}). */
    Optional<ContainerPathStat> stat(String path) throws IOException {
        return ContainerPathStats.stat(root, path);
    }

    /**
     * Writes the container's root file system as {@code docker export} does: members named without a leading
     * {@code ./}, and the directories mounted on it (volumes, binds, /proc, /dev) empty, as are the runtime's
     * {@code /etc/hosts}, {@code /etc/resolv.conf} and {@code /etc/hostname}, as dockerd's export of the bare root
     * file system has them. A file bound over a file of the root file system is exported with the bound content.
     */
    void export(OutputStream out) throws IOException {
        int dir = Syscalls.openat2(root, "/", Libc.O_RDONLY | Libc.O_DIRECTORY, 0, RESOLVE);
        try {
            onlyDevice = Syscalls.device(dir);
        } finally {
            close(dir);
        }
        try {
            archive("/", "", out);
        } finally {
            onlyDevice = -1;
        }
    }

    private void walk(int parent, byte[] name, String member, TarArchiveOutputStream tar, Map<String, String> hardLinks)
            throws IOException {
        Libc.Stat stat = Libc.lstatat(parent, name);
        if (stat == null) {
            return; // gone while we walked
        }
        switch (stat.type()) {
            case Libc.S_IFDIR -> {
                int fd = Libc.openat(parent, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
                try {
                    directory(fd, stat, member, tar, hardLinks);
                } finally {
                    close(fd);
                }
            }
            case Libc.S_IFREG -> file(parent, name, member, tar, hardLinks);
            case Libc.S_IFLNK -> {
                TarArchiveEntry entry = members.entry(member, TarConstants.LF_SYMLINK, stat);
                entry.setLinkName(new String(Libc.readlinkat(parent, name), StandardCharsets.UTF_8));
                TarMembers.put(tar, entry, null, 0);
            }
            case Libc.S_IFIFO -> TarMembers.put(tar, members.entry(member, TarConstants.LF_FIFO, stat), null, 0);
            case Libc.S_IFCHR, Libc.S_IFBLK -> {
                TarArchiveEntry entry = members.entry(member, stat.type() == Libc.S_IFCHR ? TarConstants.LF_CHR : TarConstants.LF_BLK, stat);
                entry.setDevMajor(stat.rdevMajor());
                entry.setDevMinor(stat.rdevMinor());
                TarMembers.put(tar, entry, null, 0);
            }
            default -> { } // sockets are not archived
        }
    }

    private void directory(int fd, Libc.Stat stat, String member, TarArchiveOutputStream tar, Map<String, String> hardLinks)
            throws IOException {
        if (!member.isEmpty()) { // the root of an export has no member of its own
            TarMembers.put(tar, members.entry(member.endsWith("/") ? member : member + "/", TarConstants.LF_DIR, stat), null, 0);
        }
        if (PSEUDO_FILE_SYSTEMS.contains(Syscalls.fileSystemType(fd)) || mountedOn(fd)) {
            return;
        }
        List<byte[]> children = Libc.listDirectory(fd, bytes("."));
        children.sort((a, b) -> java.util.Arrays.compareUnsigned(a, b));
        String prefix = member.isEmpty() || member.endsWith("/") ? member : member + "/";
        for (byte[] child : children) {
            walk(fd, child, prefix + new String(child, StandardCharsets.UTF_8), tar, hardLinks);
        }
    }

    private void file(int parent, byte[] name, String member, TarArchiveOutputStream tar, Map<String, String> hardLinks)
            throws IOException {
        int fd = Libc.openat(parent, name, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK, 0);
        try {
            Libc.Stat opened = Syscalls.fstat(fd);
            if (opened.type() != Libc.S_IFREG) {
                return; // swapped for something else while we walked
            }
            if (opened.nlink() > 1) {
                String first = hardLinks.putIfAbsent(Syscalls.device(fd) + ":" + opened.inode(), member);
                if (first != null) {
                    TarArchiveEntry link = members.entry(member, TarConstants.LF_LINK, opened);
                    link.setLinkName(first);
                    TarMembers.put(tar, link, null, 0);
                    return;
                }
            }
            TarArchiveEntry entry = members.entry(member, TarConstants.LF_NORMAL, opened);
            if (onlyDevice != -1 && RUNTIME_FILES.contains(member)) {
                TarMembers.put(tar, entry, null, 0); // bind-mounted by the runtime: dockerd's init layer has it empty
                return;
            }
            entry.setSize(opened.size());
            try (InputStream content = Files.newInputStream(Path.of("/proc/self/fd/" + fd))) {
                TarMembers.put(tar, entry, content, opened.size());
            }
        } finally {
            close(fd);
        }
    }

    /**
     * Whether an export reached a directory mounted on the container's root file system (an overlay reports its own
     * device for directories only; a file shows the device of the layer it is in).
     */
    private boolean mountedOn(int fd) throws IOException {
        return onlyDevice != -1 && Syscalls.device(fd) != onlyDevice;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void close(int fd) {
        Libc.close(fd);
    }
}
