package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.FileChange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A container's overlay upper directory read as what the container changed: the list {@code docker diff} prints,
 * and (for the layer a RUN or a commit writes) the files the runtime made there for itself, which are no change of
 * the container's.
 */
public final class UpperDirectory {
    /**
     * Files and mount points the runtime makes in a container's upper directory for itself (dockerd keeps them in an
     * init layer below the container's): a layer or a diff leaves them out while they are empty.
     */
    public static final Set<String> RUNTIME_FILES = Set.of("etc/hosts", "etc/resolv.conf", "etc/hostname", "dev", "proc",
            "sys", "dev/shm", "dev/pts", "dev/mqueue", ".dockerenv", "etc");

    private UpperDirectory() {
    }

    /**
     * What the container changed, in dockerd's order and by dockerd's rules (moby's {@code archive.OverlayChanges}):
     * a whiteout (a 0/0 character device) is a deletion; a path that exists in a lower layer is a modification,
     * but for a directory with the lower one's size, mode and time (there only as the parent of a change), which
     * is left out; anything else is an addition; and the parent of an addition or a deletion is listed as
     * modified before it. The runtime's own files ({@link #RUNTIME_FILES}) are left out while empty.
     *
     * @param upper  the container's upper directory
     * @param layers the image's layer directories, bottom first
     */
    public static List<FileChange> changes(Path upper, List<Path> layers) throws IOException {
        List<Path> walked = new ArrayList<>();
        walk(upper, walked);
        List<Path> paths = withoutRuntimeFiles(upper, walked, RUNTIME_FILES);
        List<Path> topFirst = new ArrayList<>(layers);
        java.util.Collections.reverse(topFirst);
        List<FileChange> changes = new ArrayList<>();
        Set<String> changedDirectories = new HashSet<>();
        for (Path path : paths) {
            String relative = upper.relativize(path).toString();
            String name = "/" + relative;
            Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,rdev,size,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attributes.get("mode");
            boolean directory = (mode & 0170000) == 0040000;
            FileChange.Kind kind;
            if ((mode & 0170000) == 0020000 && (Long) attributes.get("rdev") == 0) {
                kind = FileChange.Kind.DELETED;
            } else {
                kind = FileChange.Kind.ADDED;
                for (Path layer : topFirst) {
                    Path lower = layer.resolve(relative);
                    if (!Files.exists(lower)) { // followed, as Go's os.Stat is
                        continue;
                    }
                    if (directory && Files.isDirectory(lower) && sameDirectory(attributes, lower)) {
                        kind = null; // only the parent of a change: dockerd leaves it out
                    } else {
                        kind = FileChange.Kind.MODIFIED;
                    }
                    break;
                }
                if (kind == null) {
                    continue;
                }
            }
            if (directory) {
                changedDirectories.add(name);
            }
            if (kind != FileChange.Kind.MODIFIED) {
                // the parent is listed even when its size, mode and time are the lower one's (moby#13590)
                String parent = name.substring(0, name.lastIndexOf('/'));
                if (!parent.isEmpty() && changedDirectories.add(parent)) {
                    changes.add(new FileChange(parent, FileChange.Kind.MODIFIED));
                }
            }
            changes.add(new FileChange(name, kind));
        }
        return changes;
    }

    private static boolean sameDirectory(Map<String, Object> upper, Path lower) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(lower, "unix:mode,size,lastModifiedTime");
        return upper.get("size").equals(attributes.get("size"))
                && ((Integer) upper.get("mode") & 07777) == ((Integer) attributes.get("mode") & 07777)
                && sameTime((FileTime) upper.get("lastModifiedTime"), (FileTime) attributes.get("lastModifiedTime"));
    }

    /** moby's {@code sameFsTime}: equal seconds, and equal nanoseconds unless one side has none (a tar's time). */
    private static boolean sameTime(FileTime a, FileTime b) {
        var x = a.toInstant();
        var y = b.toInstant();
        return x.getEpochSecond() == y.getEpochSecond()
                && (x.getNano() == 0 || y.getNano() == 0 || x.getNano() == y.getNano());
    }

    /** Go's {@code filepath.Walk} order: a directory, then its entries by name, each followed by what is below it. */
    private static void walk(Path directory, List<Path> into) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(directory)) {
            children = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (Path child : children) {
            into.add(child);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                walk(child, into);
            }
        }
    }

    /**
     * {@code paths} (in {@code upper}) without the empty files and directories the runtime made as mount points
     * ({@code skip}), and then without the directories of {@code skip} left with nothing in them: a copy-up the
     * runtime caused, not the container's command.
     */
    public static List<Path> withoutRuntimeFiles(Path upper, List<Path> paths, Set<String> skip) throws IOException {
        List<Path> kept = new ArrayList<>();
        for (Path path : paths) {
            String name = upper.relativize(path).toString();
            if (skip.contains(name) && (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.size(path) == 0
                    || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && isEmpty(path))) {
                continue;
            }
            kept.add(path);
        }
        List<Path> result = new ArrayList<>();
        for (Path path : kept) {
            String name = upper.relativize(path).toString();
            if (skip.contains(name) && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && kept.stream().noneMatch(p -> p.startsWith(path) && !p.equals(path))) {
                continue;
            }
            result.add(path);
        }
        return result;
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.findAny().isEmpty();
        }
    }
}
