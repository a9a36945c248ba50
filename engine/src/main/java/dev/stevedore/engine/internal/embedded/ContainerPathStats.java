package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.runtime.Syscalls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Paths in a container's file system as dockerd's path stat describes them, read through a descriptor of the
 * container's root: every lookup is {@code openat2} with {@code RESOLVE_IN_ROOT}, so no link leads out of it.
 */
final class ContainerPathStats {
    private ContainerPathStats() {
    }

    /**
     * The attributes of {@code path}, as dockerd's path stat gives them: the {@code lstat} of the path, its parents'
     * links followed within the root; for a link, where it leads, followed to the end within the root. Empty when
     * nothing is there.
     */
    static Optional<ContainerPathStat> stat(int root, String path) throws IOException {
        String normalized = ContainerConfigs.normalize(path);
        if (normalized.equals("/")) {
            int dir = Syscalls.openat2(root, "/", Libc.O_PATH | Libc.O_DIRECTORY, 0, ContainerFiles.RESOLVE);
            try {
                return Optional.of(pathStat("/", Syscalls.fstat(dir), ""));
            } finally {
                Libc.close(dir);
            }
        }
        String base = normalized.substring(normalized.lastIndexOf('/') + 1);
        int parent = openParent(root, normalized);
        if (parent < 0) {
            return Optional.empty();
        }
        try {
            Libc.Stat stat = Libc.lstatat(parent, ContainerFiles.bytes(base));
            if (stat == null) {
                return Optional.empty();
            }
            return Optional.of(pathStat(base, stat, stat.type() == Libc.S_IFLNK ? followed(root, normalized) : ""));
        } finally {
            Libc.close(parent);
        }
    }

    /** An {@code O_PATH} descriptor of the directory holding {@code normalized} (links followed in the root); -1: none. */
    static int openParent(int root, String normalized) throws IOException {
        int slash = normalized.lastIndexOf('/');
        try {
            return Syscalls.openat2(root, slash == 0 ? "/" : normalized.substring(0, slash), Libc.O_PATH | Libc.O_DIRECTORY,
                    0, ContainerFiles.RESOLVE);
        } catch (ErrnoException e) {
            if (e.errno() == Libc.ENOENT || e.errno() == Libc.ENOTDIR) {
                return -1;
            }
            throw e;
        }
    }

    private static ContainerPathStat pathStat(String name, Libc.Stat stat, String linkTarget) {
        return new ContainerPathStat(name, stat.size(), stat.mode(),
                Instant.ofEpochSecond(stat.mtimeSeconds(), stat.mtimeNanos()), linkTarget);
    }

    /** {@code path} with every link on it followed within the root, as the container would (at most 40, as Linux). */
    private static String followed(int root, String path) throws IOException {
        Deque<String> rest = new ArrayDeque<>(List.of(path.substring(1).split("/")));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!rest.isEmpty()) {
            String part = rest.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            Libc.Stat stat = null;
            byte[] target = null;
            int dir;
            try {
                dir = Syscalls.openat2(root, "/" + String.join("/", resolved), Libc.O_PATH | Libc.O_DIRECTORY, 0, ContainerFiles.RESOLVE);
            } catch (ErrnoException e) {
                dir = -1; // below something missing or not a directory: the rest is kept as written, as dockerd does
            }
            if (dir >= 0) {
                try {
                    stat = Libc.lstatat(dir, ContainerFiles.bytes(part));
                    if (stat != null && stat.type() == Libc.S_IFLNK) {
                        target = Libc.readlinkat(dir, ContainerFiles.bytes(part));
                    }
                } finally {
                    Libc.close(dir);
                }
            }
            if (target == null) {
                resolved.add(part);
                continue;
            }
            if (++links > 40) {
                throw new IOException("too many levels of symbolic links in " + path);
            }
            String link = new String(target, StandardCharsets.UTF_8);
            if (link.startsWith("/")) {
                resolved.clear();
            }
            List<String> parts = List.of(link.split("/"));
            for (int i = parts.size() - 1; i >= 0; i--) {
                rest.addFirst(parts.get(i));
            }
        }
        return "/" + String.join("/", resolved);
    }

}
