package dev.stevedore.engine.internal.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the engines of one user keep files that live as long as the machine runs (locks, sockets): as root
 * {@code /run/stevedore}; as an ordinary user {@code $XDG_RUNTIME_DIR/stevedore} when that is set, else a private
 * {@code 0700} directory {@code /tmp/stevedore-<uid>} that must be the user's own (another user could otherwise
 * plant it first).
 */
public final class RuntimeDirectory {
    private RuntimeDirectory() {
    }

    /** The directory for this process's user; not created. */
    public static Path path() {
        long uid = Libc.geteuid();
        if (uid == 0) {
            return Path.of("/run/stevedore");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg)) && Files.isWritable(Path.of(xdg))) {
            return Path.of(xdg, "stevedore");
        }
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "stevedore-" + uid);
    }

    /**
     * The directory, created when missing; as an ordinary user it must be owned by the user with mode 0700.
     *
     * @throws UncheckedIOException when it cannot be made, or someone else's directory is in its place
     */
    public static Path create() {
        Path dir = path();
        try {
            if (Libc.geteuid() == 0) {
                return Files.createDirectories(dir);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // checked below
            }
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory() || ((Number) owner).longValue() != Libc.geteuid()
                    || !attributes.permissions().equals(PosixFilePermissions.fromString("rwx------"))) {
                throw new IOException(dir + " is not a private directory of this user (owner uid " + owner + ", mode "
                        + PosixFilePermissions.toString(attributes.permissions()) + "); remove it, or set XDG_RUNTIME_DIR");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the runtime directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
