package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.os.Xattrs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Extended attributes of a layer's entries, for {@link LayerTree}: the ones that steer overlayfs itself are never
 * taken from an archive, and those a file system cannot hold are skipped where Docker skips them too.
 */
final class LayerXattrs {
    private static final Logger LOG = LoggerFactory.getLogger(LayerTree.class);

    private LayerXattrs() {
    }

    /**
     * Sets {@code xattrs} on {@code name} through the open descriptor {@code fd}.
     *
     * @param fromArchive whether they come from an archive (then overlayfs's own are dropped) rather than a lower layer
     */
    static void setOn(int fd, byte[] name, Map<String, byte[]> xattrs, String display, boolean fromArchive)
            throws IOException {
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            if (fromArchive && !accept(x.getKey(), display)) {
                continue;
            }
            try {
                Xattrs.fsetxattr(fd, name, x.getKey(), x.getValue());
            } catch (ErrnoException e) {
                tolerate(e, x.getKey(), display);
            }
        }
    }

    /**
     * Sets an entry's attributes on {@code base} in {@code parent}: through a descriptor for a directory, else by
     * the full path (symlinks and devices cannot be opened for this).
     */
    static void set(int parent, byte[] base, Supplier<byte[]> fullPath, Map<String, byte[]> xattrs, String display,
                    boolean directory) throws IOException {
        if (xattrs.isEmpty()) {
            return;
        }
        int fd = -1;
        try {
            if (directory) {
                fd = Libc.openat(parent, base, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, 0);
            }
            for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
                if (!accept(x.getKey(), display)) {
                    continue;
                }
                try {
                    if (fd >= 0) {
                        Xattrs.fsetxattr(fd, base, x.getKey(), x.getValue());
                    } else {
                        // Symlinks and devices cannot be opened for this; their parents were walked without
                        // following links and nobody else writes this tree, so the full path is the same file.
                        Xattrs.lsetxattr(fullPath.get(), x.getKey(), x.getValue());
                    }
                } catch (ErrnoException e) {
                    tolerate(e, x.getKey(), display);
                }
            }
        } finally {
            Libc.close(fd);
        }
    }

    /** Removes attributes an earlier, implicit version of a directory got that its own entry does not have. */
    static void dropNotIn(byte[] full, Map<String, byte[]> keep, String display) throws IOException {
        for (String name : Xattrs.llistxattr(full)) {
            if (!keep.containsKey(name) && accept(name, display)) {
                try {
                    Xattrs.lremovexattr(full, name);
                } catch (ErrnoException e) {
                    tolerate(e, name, display);
                }
            }
        }
    }

    private static boolean accept(String name, String display) {
        if (name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")) {
            // These steer overlayfs itself (redirects, metacopy, opaque): never taken from an archive.
            LOG.debug("dropping overlayfs attribute {} of {}", name, display);
            return false;
        }
        return true;
    }

    private static void tolerate(ErrnoException e, String name, String display) {
        int errno = e.errno();
        if (errno == Libc.EOPNOTSUPP || errno == Libc.EPERM || errno == Libc.EACCES) {
            LOG.debug("extended attribute {} of {} not set: {}", name, display, e.getMessage());
            return;
        }
        if (errno == Libc.EINVAL || errno == 34 /* ERANGE */ || errno == 7 /* E2BIG */) {
            throw new LayerFault(display, "extended attribute " + name + " was refused by the kernel: "
                    + Libc.describe(errno), e);
        }
        throw new LayerFault(display, "cannot set extended attribute " + name + ": " + e.getMessage(), e);
    }
}
