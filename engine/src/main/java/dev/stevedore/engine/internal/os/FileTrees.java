package dev.stevedore.engine.internal.os;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Deletes directory trees the engine made (unpacked layers, container state), never following a symlink out of
 * them and never descending into another file system, so a leaked mount or a planted link costs no host data.
 */
public final class FileTrees {
    /** Deletes what this process may not (a rootless engine's files of subordinate owners); null: none. */
    private static volatile Deleter fallback;

    /** Deletes a tree by other means. */
    @FunctionalInterface
    public interface Deleter {
        void delete(Path root) throws IOException;
    }

    private FileTrees() {
    }

    /**
     * Sets how trees are deleted that this process lacks the permission for: a rootless engine's files owned by
     * the user's subordinate ids are deleted inside its user namespace. One per process, as the user is.
     */
    public static void fallback(Deleter deleter) {
        fallback = deleter;
    }

    /**
     * Deletes {@code root} and everything below it; a missing {@code root} is fine.
     *
     * @throws IOException when a directory below is on another file system (nothing beyond it is touched)
     */
    public static void deleteRecursively(Path root) throws IOException {
        try {
            deleteHere(root);
        } catch (AccessDeniedException e) {
            Deleter other = fallback;
            if (other == null) {
                throw e;
            }
            other.delete(root);
        }
    }

    private static void deleteHere(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object device = Files.getAttribute(root, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        // walkFileTree does not follow symlinks unless asked to: a link in the tree is deleted as a link.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(dir, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException(dir + " is on another file system; not deleting across it");
                }
                // A layer may hold directories without write permission (0555); without root we need it back.
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (AccessDeniedException ignored) {
                    // Owned by someone else: deleting will tell whether we may.
                } catch (java.nio.file.FileSystemException notOurs) {
                    // EPERM: a directory of another owner (a subordinate id, rootless) whose mode we may not change;
                    // deleting will tell whether we may
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
