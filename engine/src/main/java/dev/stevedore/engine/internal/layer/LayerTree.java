package dev.stevedore.engine.internal.layer;

import com.sun.jna.Memory;
import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.os.Xattrs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fresh layer directory being filled in overlay format, entry by entry, through directory file
 * descriptors: every parent is opened with {@code O_NOFOLLOW|O_DIRECTORY} relative to the one before it,
 * starting at the layer root, and every leaf is created with a {@code *at()} call relative to its parent.
 *
 * <p>The walk never follows a symlink: a name that would pass through one is refused. Together with the
 * fact that nobody but this object writes the fresh directory, this means no entry can reach outside the
 * root, whatever links earlier entries made, and the userspace resolution is race-free.
 */
final class LayerTree implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(LayerTree.class);
    private static final byte[] YES = {'y'};
    private static final byte[] DOT = {'.'};
    private static final int CACHE = 16;
    private static final int BUFFER = 1 << 16;

    private final String root;
    private final int rootFd;
    private final LayerOwners owners;
    private final String opaque;
    private final boolean createDevices;
    private final LowerLayers lowers;
    /** Whiteout devices this layer made, by relative path: they give way to real entries of the same layer. */
    private final Set<String> whiteouts = new HashSet<>();
    /** Mode and mtime of every directory, applied deepest first once all entries are in. */
    private final Map<String, DirectoryMetadata> directories = new HashMap<>();
    /**
     * Open parent directories by relative path. A descriptor handed out stays valid until {@link #CACHE}
     * more misses or the removal of its directory; one entry needs at most two at a time.
     */
    private final LinkedHashMap<String, Integer> parents = new LinkedHashMap<>(CACHE, 0.75f, true);
    private final Memory buffer = new Memory(BUFFER);
    private final byte[] heapBuffer = new byte[BUFFER];

    private record DirectoryMetadata(int mode, long mtimeSeconds, int mtimeNanos, boolean hasTime) {
    }

    private LayerTree(Path root, int rootFd, LayerOwners owners, boolean createDevices, String opaque, LowerLayers lowers) {
        this.root = root.toString();
        this.rootFd = rootFd;
        this.owners = owners;
        this.opaque = opaque;
        this.createDevices = createDevices;
        this.lowers = lowers;
    }

    /**
     * Opens an existing, empty directory (the caller made it) as the root of a layer; directories the
     * layer needs but does not describe copy their attributes from {@code lowers}.
     */
    static LayerTree open(Path root, LayerOwners owners, boolean createDevices, String opaque, LowerLayers lowers)
            throws IOException {
        int fd = Libc.open(root.toString(), Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW);
        return new LayerTree(root, fd, owners, createDevices, opaque, lowers);
    }

    /** Applies one archive member. */
    void apply(TarEntry entry, InputStream content) throws IOException {
        String display = entry.displayName();
        List<byte[]> path = LayerPaths.clean(entry.name(), display, "the name");
        if (path.isEmpty()) {
            if (entry.type() == TarEntry.DIRECTORY) {
                return; // the root's own entry: the layer root keeps the attributes the snapshot gave it
            }
            throw new LayerFault(display, entry.type() == TarEntry.SYMLINK
                    ? "a symlink named '.' would replace the layer root itself (as in CVE-2021-29136)"
                    : "the entry would replace the layer root itself");
        }
        byte[] base = path.get(path.size() - 1);
        List<byte[]> parentPath = path.subList(0, path.size() - 1);
        for (byte[] parent : parentPath) {
            if (LayerPaths.startsWith(parent, ".wh..wh.")) {
                LOG.debug("ignoring {}: inside a whiteout metadata directory (aufs)", display);
                return;
            }
        }
        if (LayerPaths.startsWith(base, ".wh.")) {
            applyWhiteout(entry, display, parentPath, base);
            return;
        }
        int parent = walk(parentPath, true, display);
        String key = LayerPaths.key(path, path.size());
        Libc.Stat existing = Libc.lstatat(parent, base);
        boolean wasWhiteout = false;
        if (existing != null) {
            if (existing.isDirectory() && entry.type() == TarEntry.DIRECTORY) {
                // Both directories: the entry's attributes replace the existing ones, the content stays.
                setOwner(parent, base, key, entry, display);
                LayerXattrs.dropNotIn(fullPath(path), entry.xattrs(), display);
                LayerXattrs.set(parent, base, () -> fullPath(path), entry.xattrs(), display, true);
                rememberDirectory(key, entry);
                return;
            }
            wasWhiteout = whiteouts.remove(key);
            remove(parent, base, key, existing);
        }
        switch (entry.type()) {
            case TarEntry.DIRECTORY -> {
                Libc.mkdirat(parent, base, 0700);
                setOwner(parent, base, key, entry, display);
                LayerXattrs.set(parent, base, () -> fullPath(path), entry.xattrs(), display, true);
                rememberDirectory(key, entry);
                if (wasWhiteout) {
                    // This layer deleted and recreated the directory: lower content must stay hidden.
                    setOpaque(parent, base, display);
                }
            }
            case TarEntry.REGULAR -> writeFile(parent, base, path, entry, content, display);
            case TarEntry.SYMLINK -> {
                byte[] target = entry.linkName();
                if (target.length == 0 || target.length >= LayerPaths.PATH_MAX || LayerPaths.contains(target, (byte) 0)) {
                    throw new LayerFault(display, "the symlink target is empty, contains a NUL byte or is longer than "
                            + (LayerPaths.PATH_MAX - 1) + " bytes");
                }
                Libc.symlinkat(target, parent, base);
                setOwner(parent, base, key, entry, display);
                LayerXattrs.set(parent, base, () -> fullPath(path), entry.xattrs(), display, false);
                setTimes(parent, base, entry);
            }
            case TarEntry.HARD_LINK -> link(parent, base, entry, display);
            case TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE -> {
                if (!createDevices) {
                    LOG.debug("skipping device {} ({}:{}): devices are created only by root outside a user namespace",
                            display, entry.devMajor(), entry.devMinor());
                    return;
                }
                if (entry.devMajor() > 0xffffffffL || entry.devMinor() > 0xffffffffL) {
                    throw new LayerFault(display, "device numbers " + entry.devMajor() + ":" + entry.devMinor()
                            + " do not fit in 32 bits");
                }
                int type = entry.type() == TarEntry.CHAR_DEVICE ? Libc.S_IFCHR : Libc.S_IFBLK;
                Libc.mknodat(parent, base, type | 0600, entry.devMajor(), entry.devMinor());
                if (type == Libc.S_IFCHR && entry.devMajor() == 0 && entry.devMinor() == 0) {
                    whiteouts.add(key); // overlayfs reads a 0:0 character device as a whiteout
                }
                finishSpecial(parent, base, path, entry, display);
            }
            case TarEntry.FIFO -> {
                Libc.mknodat(parent, base, Libc.S_IFIFO | 0600, 0, 0);
                finishSpecial(parent, base, path, entry, display);
            }
            default -> throw new LayerFault(display, "unsupported entry type " + entry.type());
        }
    }

    /** Sets the deferred directory modes and times, deepest first, once every entry is in. */
    void finish() throws IOException {
        List<Map.Entry<String, DirectoryMetadata>> all = new ArrayList<>(directories.entrySet());
        all.sort(Comparator.comparingInt((Map.Entry<String, DirectoryMetadata> e) -> LayerPaths.depth(e.getKey())).reversed());
        for (Map.Entry<String, DirectoryMetadata> e : all) {
            List<byte[]> path = LayerPaths.split(e.getKey());
            int parent = walk(path.subList(0, path.size() - 1), false, LayerPaths.display(e.getKey()));
            if (parent < 0) {
                continue;
            }
            byte[] base = path.get(path.size() - 1);
            Libc.Stat now = Libc.lstatat(parent, base);
            if (now == null || !now.isDirectory()) {
                continue; // replaced by a later entry
            }
            DirectoryMetadata meta = e.getValue();
            Libc.fchmodat(parent, base, meta.mode());
            if (meta.hasTime()) {
                Libc.lutimensat(parent, base, meta.mtimeSeconds(), meta.mtimeNanos(), meta.mtimeSeconds(),
                        meta.mtimeNanos());
            }
        }
        directories.clear();
        owners.finish(Path.of(root));
    }

    @Override
    public void close() {
        for (int fd : parents.values()) {
            Libc.close(fd);
        }
        parents.clear();
        Libc.close(rootFd);
        buffer.close();
    }

    // ---- entries ----------------------------------------------------------------------------------

    private void applyWhiteout(TarEntry entry, String display, List<byte[]> parentPath, byte[] base)
            throws IOException {
        if (LayerPaths.is(base, ".wh..wh..opq")) {
            // In overlay format the marker is an attribute of the directory, so the order of the marker and
            // the directory's other entries does not matter: the attribute hides lower layers only.
            setOpaque(walk(parentPath, true, display), DOT, display);
            return;
        }
        if (LayerPaths.startsWith(base, ".wh..wh.")) {
            LOG.debug("ignoring whiteout metadata entry {}", display);
            return;
        }
        byte[] victim = java.util.Arrays.copyOfRange(base, 4, base.length);
        if (victim.length == 0) {
            throw new LayerFault(display, "a whiteout '.wh.' without a name to delete is invalid");
        }
        if (LayerPaths.is(victim, ".") || LayerPaths.is(victim, "..")) {
            throw new LayerFault(display, "a whiteout may only delete a name in its own directory");
        }
        int parent = walk(parentPath, true, display);
        List<byte[]> victimPath = new ArrayList<>(parentPath);
        victimPath.add(victim);
        String key = LayerPaths.key(victimPath, victimPath.size());
        Libc.Stat existing = Libc.lstatat(parent, victim);
        if (existing == null) {
            try {
                Libc.mknodat(parent, victim, Libc.S_IFCHR, 0, 0);
            } catch (ErrnoException e) {
                throw new IOException("cannot create the whiteout for " + display + " (a 0:0 character device, as "
                        + "overlayfs wants it): " + e.getMessage() + "; unpacking layers needs root", e);
            }
            whiteouts.add(key);
            setOwner(parent, victim, key, entry, display);
        } else if (existing.isDirectory()) {
            // This layer deleted the lower directory and made its own: only its own content may show.
            setOpaque(parent, victim, display);
        }
        // Anything else of that name was made by this layer, and a whiteout only deletes lower content.
    }

    private void writeFile(int parent, byte[] base, List<byte[]> path, TarEntry entry, InputStream content,
                           String display) throws IOException {
        int fd = Libc.openat(parent, base, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, 0600);
        boolean ok = false;
        try {
            long written = 0;
            int n;
            while ((n = content.read(heapBuffer, 0, BUFFER)) > 0) {
                buffer.write(0, heapBuffer, 0, n);
                Libc.writeFully(fd, base, buffer, n);
                written += n;
            }
            if (written != entry.size()) {
                throw new LayerFault(display, "the archive ends inside this entry's content; it is truncated");
            }
            setOwner(parent, base, LayerPaths.key(path, path.size()), entry, display);
            // After the chown, which clears file capabilities, and before the mode.
            LayerXattrs.setOn(fd, base, entry.xattrs(), display, true);
            // Last, because chown clears setuid and setgid.
            Libc.fchmod(fd, base, entry.mode());
            Libc.futimens(fd, base, entry.mtimeSeconds(), entry.mtimeNanos(), entry.mtimeSeconds(),
                    entry.mtimeNanos());
            ok = true;
        } finally {
            if (ok) {
                Libc.closeChecked(fd, base);
            } else {
                Libc.close(fd);
            }
        }
    }

    /**
     * A hard link, whose target must be a non-directory this layer already holds, reached without passing
     * a symlink. A link to a file of a lower layer cannot be expressed in a per-layer overlay directory
     * (the inode lives in another directory tree, often another layer snapshot); it is refused, as Docker's
     * and containerd's overlay unpackers refuse it (the image spec: such layers "may fail").
     */
    private void link(int parent, byte[] base, TarEntry entry, String display) throws IOException {
        List<byte[]> target = LayerPaths.clean(entry.linkName(), display, "the hard link target");
        if (target.isEmpty()) {
            throw new LayerFault(display, "a hard link to the layer root (a directory) is impossible");
        }
        String targetKey = LayerPaths.key(target, target.size());
        int targetParent = walk(target.subList(0, target.size() - 1), false, display);
        byte[] targetBase = target.get(target.size() - 1);
        Libc.Stat stat = targetParent < 0 ? null : Libc.lstatat(targetParent, targetBase);
        if (stat == null || whiteouts.contains(targetKey)) {
            throw new LayerFault(display, "the hard link target '" + LayerPaths.display(targetKey)
                    + "' is not in this layer; a link into a lower layer cannot be expressed in overlay format");
        }
        if (stat.isDirectory()) {
            throw new LayerFault(display, "the hard link target '" + LayerPaths.display(targetKey)
                    + "' is a directory");
        }
        Libc.linkat(targetParent, targetBase, parent, base);
    }

    private void finishSpecial(int parent, byte[] base, List<byte[]> path, TarEntry entry, String display)
            throws IOException {
        setOwner(parent, base, LayerPaths.key(path, path.size()), entry, display);
        LayerXattrs.set(parent, base, () -> fullPath(path), entry.xattrs(), display, false);
        Libc.fchmodat(parent, base, entry.mode()); // just created by us: not a symlink
        setTimes(parent, base, entry);
    }

    // ---- metadata ---------------------------------------------------------------------------------

    private void setOwner(int parent, byte[] base, String key, TarEntry entry, String display) throws IOException {
        checkIds(entry, display);
        // setuid and setgid survive only when set after the chown; for a deferred chown they are set again then
        int mode = entry.type() == TarEntry.REGULAR || entry.type() == TarEntry.HARD_LINK ? entry.mode() : 0;
        try {
            owners.own(parent, base, key, entry.uid(), entry.gid(), mode);
        } catch (ErrnoException e) {
            if (e.errno() == Libc.EINVAL) {
                throw new IOException("cannot give " + display + " the owner " + entry.uid() + ":" + entry.gid()
                        + ": the ids are not mapped in this user namespace", e);
            }
            throw e;
        }
    }

    private static void checkIds(TarEntry entry, String display) {
        // 2^32-1 is chown's "leave unchanged": a layer may not use it to keep a file owned by root.
        if (entry.uid() < 0 || entry.uid() >= 0xffffffffL || entry.gid() < 0 || entry.gid() >= 0xffffffffL) {
            throw new LayerFault(display, "owner " + entry.uid() + ":" + entry.gid() + " is out of range");
        }
    }

    private void setOpaque(int parent, byte[] dirName, String display) throws IOException {
        int fd = Libc.openat(parent, dirName, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
        try {
            Xattrs.fsetxattr(fd, dirName, opaque, YES);
        } catch (ErrnoException e) {
            throw new IOException("cannot mark the directory of " + display + " opaque (" + opaque + "): "
                    + e.getMessage() + "; trusted.* attributes need root (CAP_SYS_ADMIN)", e);
        } finally {
            Libc.close(fd);
        }
    }

    private static void setTimes(int parent, byte[] base, TarEntry entry) throws IOException {
        Libc.lutimensat(parent, base, entry.mtimeSeconds(), entry.mtimeNanos(), entry.mtimeSeconds(),
                entry.mtimeNanos());
    }

    /** A directory the layer needs but has no entry for: as the lower layers have it, else root's 0755. */
    private void implicitDirectory(int parent, byte[] name, List<byte[]> path, int length, String display)
            throws IOException {
        String key = LayerPaths.key(path, length);
        LowerLayers.Directory lower = lowers.find(path, length);
        if (lower == null) {
            directories.putIfAbsent(key, new DirectoryMetadata(0755, 0, 0, false));
            return;
        }
        long uid = owners.containerUid(Integer.toUnsignedLong(lower.uid()));
        long gid = owners.containerGid(Integer.toUnsignedLong(lower.gid()));
        if (uid >= 0 && gid >= 0) {
            owners.own(parent, name, key, uid, gid, 0);
        }
        if (!lower.xattrs().isEmpty()) {
            int fd = Libc.openat(parent, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
            try {
                LayerXattrs.setOn(fd, name, lower.xattrs(), display, false);
            } finally {
                Libc.close(fd);
            }
        }
        directories.putIfAbsent(key, new DirectoryMetadata(lower.mode(), lower.mtimeSeconds(), lower.mtimeNanos(),
                true));
    }

    private void rememberDirectory(String key, TarEntry entry) {
        directories.put(key, new DirectoryMetadata(entry.mode(), entry.mtimeSeconds(), entry.mtimeNanos(), true));
    }

    // ---- paths ------------------------------------------------------------------------------------

    /**
     * The descriptor of the directory {@code path}, walked from the root one component at a time without
     * following symlinks; missing directories are created (0755) when {@code create}, else -1 is returned.
     * The descriptor belongs to the cache: callers do not close it.
     */
    private int walk(List<byte[]> path, boolean create, String display) throws IOException {
        if (path.isEmpty()) {
            return rootFd;
        }
        String key = LayerPaths.key(path, path.size());
        Integer cached = parents.get(key);
        if (cached != null) {
            return cached;
        }
        int fd = rootFd;
        for (int i = 0; i < path.size(); i++) {
            byte[] component = path.get(i);
            int next;
            try {
                next = Libc.openat(fd, component, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
            } catch (ErrnoException e) {
                next = -1;
                if (e.errno() == Libc.ENOENT) {
                    if (!create) {
                        closeIntermediate(fd);
                        return -1;
                    }
                    Libc.mkdirat(fd, component, 0700);
                    implicitDirectory(fd, component, path, i + 1, display);
                } else if (e.errno() == Libc.ENOTDIR || e.errno() == Libc.ELOOP) {
                    String prefix = LayerPaths.key(path, i + 1);
                    Libc.Stat stat = Libc.lstatat(fd, component);
                    if (stat != null && stat.isSymlink()) {
                        byte[] target = Libc.readlinkat(fd, component);
                        closeIntermediate(fd);
                        throw new LayerFault(display, "the path passes through the symlink '"
                                + LayerPaths.display(prefix) + "' (-> " + Libc.display(target)
                                + "); a layer never writes or links through symlinks");
                    }
                    if (create && whiteouts.remove(prefix)) {
                        // The layer deleted the lower entry and makes a directory there: hide the lower one.
                        Libc.unlinkat(fd, component, 0);
                        Libc.mkdirat(fd, component, 0700);
                        directories.putIfAbsent(prefix, new DirectoryMetadata(0755, 0, 0, false));
                        setOpaque(fd, component, display);
                    } else {
                        closeIntermediate(fd);
                        throw new LayerFault(display, "its parent '" + LayerPaths.display(prefix)
                                + "' is not a directory");
                    }
                } else {
                    closeIntermediate(fd);
                    throw e;
                }
            }
            if (next < 0) {
                next = Libc.openat(fd, component, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
            }
            closeIntermediate(fd);
            fd = next;
        }
        parents.put(key, fd);
        if (parents.size() > CACHE) {
            Iterator<Map.Entry<String, Integer>> eldest = parents.entrySet().iterator();
            Libc.close(eldest.next().getValue());
            eldest.remove();
        }
        return fd;
    }

    private void closeIntermediate(int fd) {
        if (fd != rootFd) {
            Libc.close(fd);
        }
    }

    /** Removes what is at {@code base}, a whole tree for a directory, and forgets what was cached below it. */
    private void remove(int parent, byte[] base, String key, Libc.Stat existing) throws IOException {
        if (!existing.isDirectory()) {
            Libc.unlinkat(parent, base, 0);
            return;
        }
        String below = key + "/";
        for (Iterator<Map.Entry<String, Integer>> it = parents.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Integer> e = it.next();
            if (e.getKey().equals(key) || e.getKey().startsWith(below)) {
                Libc.close(e.getValue());
                it.remove();
            }
        }
        whiteouts.removeIf(w -> w.startsWith(below));
        directories.keySet().removeIf(d -> d.equals(key) || d.startsWith(below));
        LayerPaths.removeTree(parent, base);
    }

    private byte[] fullPath(List<byte[]> path) {
        StringBuilder b = new StringBuilder(new String(root.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1));
        for (byte[] component : path) {
            b.append('/').append(new String(component, StandardCharsets.ISO_8859_1));
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
