package dev.stevedore.engine.internal.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads single paths of a stage's file system straight from its unpacked layers, top layer first, as overlayfs
 * would show them (a whiteout or an opaque directory hides what lies below), without mounting anything: enough to
 * tell whether a directory exists and to read {@code /etc/passwd} and {@code /etc/group}.
 */
final class RootView {
    private final List<Path> topFirst;

    /** @param bottomFirst the layer directories as {@link dev.stevedore.engine.internal.layer.SnapshotStore#prepare} gives them */
    RootView(List<Path> bottomFirst) {
        this.topFirst = new java.util.ArrayList<>(bottomFirst);
        java.util.Collections.reverse(topFirst);
    }

    /** The file {@code path} (absolute in the image) resolves to in the topmost layer that has it; symlinks not followed. */
    Optional<Path> find(String path) throws IOException {
        String rel = IgnoreMatcher.clean(path.replaceFirst("^/+", ""));
        if (rel.equals(".")) {
            return topFirst.isEmpty() ? Optional.empty() : Optional.of(topFirst.get(0));
        }
        String[] parts = rel.split("/");
        for (Path layer : topFirst) {
            Path current = layer;
            boolean hidden = false;
            for (int i = 0; i < parts.length; i++) {
                current = current.resolve(parts[i]);
                if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                    break;
                }
                if (isWhiteout(current)) {
                    return Optional.empty();
                }
                if (i == parts.length - 1) {
                    return Optional.of(current);
                }
                if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.empty();
                }
                hidden |= isOpaque(current);
            }
            if (hidden) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    boolean isDirectory(String path) throws IOException {
        Optional<Path> found = find(path);
        return found.isPresent() && Files.isDirectory(found.get(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The uid and gid a {@code USER}/{@code --chown} spec ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid})
     * means in this image; a user without a group takes the user's primary group (or the same number).
     */
    int[] owner(String spec, String step) throws IOException {
        String user = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String group = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        int uid;
        int gid;
        if (user.matches("\\d+")) {
            uid = Integer.parseInt(user);
            Optional<String[]> entry = lookup("/etc/passwd", 2, user);
            gid = entry.map(e -> Integer.parseInt(e[3])).orElse(group == null ? uid : 0);
        } else {
            String[] entry = lookup("/etc/passwd", 0, user).orElseThrow(() -> new dev.stevedore.engine.BuildException(
                    step + ": unable to find user " + user + ": no matching entries in /etc/passwd of the image", step, -1, List.of()));
            uid = Integer.parseInt(entry[2]);
            gid = Integer.parseInt(entry[3]);
        }
        if (group != null) {
            if (group.matches("\\d+")) {
                gid = Integer.parseInt(group);
            } else {
                gid = Integer.parseInt(lookup("/etc/group", 0, group).orElseThrow(() -> new dev.stevedore.engine.BuildException(
                        step + ": unable to find group " + group + ": no matching entries in /etc/group of the image", step, -1,
                        List.of()))[2]);
            }
        }
        return new int[] {uid, gid};
    }

    private Optional<String[]> lookup(String file, int field, String value) throws IOException {
        Optional<Path> found = find(file);
        if (found.isEmpty() || !Files.isRegularFile(found.get(), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(found.get(), StandardCharsets.UTF_8)) {
            String[] parts = line.split(":", -1);
            if (parts.length > Math.max(field, 3) && parts[field].equals(value)) {
                return Optional.of(parts);
            }
        }
        return Optional.empty();
    }

    private static boolean isWhiteout(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) a.get("mode") & 0170000) == 0020000 && (Long) a.get("rdev") == 0;
    }

    private static boolean isOpaque(Path dir) {
        try {
            byte[] v = dev.stevedore.engine.internal.os.Xattrs.lgetxattr(dir.toString().getBytes(StandardCharsets.UTF_8),
                    "trusted.overlay.opaque");
            return v != null && v.length == 1 && v[0] == 'y';
        } catch (dev.stevedore.engine.internal.os.ErrnoException e) {
            return false;
        }
    }
}
