package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.os.Xattrs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers below the one being unpacked, nearest first, as overlayfs will stack them: asked what a
 * directory the new layer needs but does not describe looks like below it.
 *
 * <p>A layer that writes {@code usr/bin/tool} without an entry for {@code usr/bin} still gets a
 * {@code usr/bin} directory in its own layer directory, and in overlay format the topmost directory's
 * owner, mode and attributes are the ones a container sees. So that directory must copy the lower
 * layers' {@code usr/bin} rather than invent root 0755 (containerd copies it the same way). The lower
 * layers are snapshots this engine unpacked and nobody else writes, so looking them up by path without
 * following symlinks is safe.
 */
final class LowerLayers {
    static final LowerLayers NONE = new LowerLayers(List.of());

    private final List<byte[]> roots;

    /** Attributes of a lower directory to copy. */
    record Directory(int mode, int uid, int gid, long mtimeSeconds, int mtimeNanos, Map<String, byte[]> xattrs) {
    }

    /** @param nearestFirst the lower layer directories, the one right below first */
    LowerLayers(List<Path> nearestFirst) {
        this.roots = nearestFirst.stream().map(p -> p.toString().getBytes(StandardCharsets.UTF_8)).toList();
    }

    /**
     * The directory at {@code path} as the stack below shows it, or {@code null} when the stack has no
     * directory there (nothing, a file, a symlink, or a whiteout in the nearest layer that has the name).
     */
    Directory find(List<byte[]> path, int length) throws ErrnoException {
        for (byte[] root : roots) {
            byte[] current = root;
            boolean opaqueAbove = false;
            boolean missing = false;
            for (int i = 0; i < length; i++) {
                current = join(current, path.get(i));
                Libc.Stat stat = Libc.lstatat(Libc.AT_FDCWD, current);
                if (stat == null) {
                    missing = true;
                    break;
                }
                if (!stat.isDirectory()) {
                    return null; // a file, symlink or whiteout here hides everything deeper and lower
                }
                if (i == length - 1) {
                    return new Directory(stat.permissions(), stat.uid(), stat.gid(), stat.mtimeSeconds(),
                            stat.mtimeNanos(), xattrs(current));
                }
                opaqueAbove = opaqueAbove || isOpaque(current);
            }
            if (missing && opaqueAbove) {
                return null; // an opaque directory on the way hides the lower layers
            }
        }
        return null;
    }

    private static boolean isOpaque(byte[] dir) throws ErrnoException {
        byte[] value = Xattrs.lgetxattr(dir, "trusted.overlay.opaque");
        return value != null && value.length == 1 && value[0] == 'y';
    }

    private static Map<String, byte[]> xattrs(byte[] dir) throws ErrnoException {
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (String name : Xattrs.llistxattr(dir)) {
            if (!name.startsWith("trusted.overlay.") && !name.startsWith("user.overlay.")) {
                byte[] value = Xattrs.lgetxattr(dir, name);
                if (value != null) {
                    all.put(name, value);
                }
            }
        }
        return all;
    }

    private static byte[] join(byte[] parent, byte[] name) {
        byte[] joined = new byte[parent.length + 1 + name.length];
        System.arraycopy(parent, 0, joined, 0, parent.length);
        joined[parent.length] = '/';
        System.arraycopy(name, 0, joined, parent.length + 1, name.length);
        return joined;
    }
}
