package dev.stevedore.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@code docker cp} learns about a path in a container before it copies (dockerd's {@code ContainerPathStat}):
 * the path's own attributes, not its link's target's.
 *
 * @param name       the path's base name ({@code /} for the root)
 * @param size       its size in bytes, as {@code lstat} gives it
 * @param mode       its {@code st_mode}: the file type and the permission, set-id and sticky bits
 * @param modified   its modification time
 * @param linkTarget for a symbolic link, the absolute path it leads to within the container's file system, every link
 *                   on the way followed there as the container would; empty for anything else
 */
public record ContainerPathStat(String name, long size, int mode, Instant modified, String linkTarget) {
    private static final int S_IFMT = 0170000;

    public ContainerPathStat {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(linkTarget, "linkTarget");
    }

    /** Whether the path is a directory. */
    public boolean isDirectory() {
        return (mode & S_IFMT) == 0040000;
    }

    /** Whether the path is a symbolic link ({@link #linkTarget()} says where it leads). */
    public boolean isSymbolicLink() {
        return (mode & S_IFMT) == 0120000;
    }
}
