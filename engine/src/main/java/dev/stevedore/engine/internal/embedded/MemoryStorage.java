package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.store.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where the containers that go with their JVM keep their directories: in memory, on a tmpfs, as a
 * runtime keeps its run state under {@code /run}. Such a container cannot outlive its JVM (the lifeline
 * kills it and the next engine open removes what is left), so nothing of it needs to survive a reboot; on
 * a disk file system each of the two dozen files and directories a container's life creates and deletes
 * costs a journal transaction (about a quarter of a millisecond on the machines measured), in memory a
 * few microseconds. Kept containers ({@code dev.stevedore.keep=true}, as {@code stevedore run} makes
 * them) stay in the state directory on disk, like Docker's.
 *
 * <p>The place is {@code STEVEDORE_RUNTIME_DIR} when set ({@code off}: everything on disk), else
 * {@code /dev/shm/stevedore-<hash of the state directory>} when {@code /dev/shm} is a tmpfs. It must be
 * a directory of this user that nobody else may enter: one found otherwise (another user made it first in
 * the shared {@code /dev/shm}) is not used, and the containers go to disk.
 *
 * <p>A root in {@code /dev/shm} records its state directory and is held by the JVMs that use it
 * ({@link MemoryRoots}), so that an engine open can sweep the roots of state directories deleted since
 * ({@link MemoryRootSweep}): nothing else would, as no engine opens a deleted state directory again.
 */
public final class MemoryStorage {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStorage.class);
    private static final Path SHM = Path.of("/dev/shm");
    static final String VARIABLE = "STEVEDORE_RUNTIME_DIR";

    private MemoryStorage() {
    }

    /**
     * The in-memory place for {@code stateDirectory}'s containers that go with their JVM ({@code containers/}
     * and {@code networks/} below it), or empty when they all stay on disk.
     */
    public static Optional<Path> root(Path stateDirectory) {
        return root(stateDirectory, name -> {
            String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
            return property != null ? property : System.getenv(name);
        });
    }

    static Optional<Path> root(Path stateDirectory, Function<String, String> variables) {
        String configured = variables.apply(VARIABLE);
        Path base;
        if (configured != null && !configured.isBlank()) {
            if (configured.trim().equalsIgnoreCase("off")) {
                return Optional.empty();
            }
            base = Path.of(configured.trim()).toAbsolutePath();
        } else {
            if (!isTmpfs(SHM)) {
                return Optional.empty();
            }
            MemoryRootSweep.sweepWhenDue(SHM);
            base = SHM.resolve("stevedore-" + hash(stateDirectory));
        }
        try {
            makePrivateDirectory(base);
            if (configured == null || configured.isBlank()) {
                MemoryRoots.claim(base, stateDirectory, () -> makePrivateDirectory(base));
            }
            return Optional.of(base);
        } catch (IOException e) {
            LOG.warn("containers stay on disk in {}: the runtime directory {} is not usable: {}", stateDirectory, base,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Removes {@code directory}, a part of an in-memory root, and the root when nothing is left in them (a JVM
     * that closes its engine tidies up after itself; one that still uses them keeps them: they are not empty).
     */
    static void removeIfEmpty(Path directory) {
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            return; // in use: not empty
        }
        MemoryRoots.removeIfUnused(directory.getParent());
    }

    static void makePrivateDirectory(Path base) throws IOException {
        try {
            Files.createDirectories(base.getParent());
            Files.createDirectory(base, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // checked below: it must be ours and closed to everybody else
        }
        PosixFileAttributes attributes = Files.readAttributes(base, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(base + " is not a directory");
        }
        if (!ownedByMe(base)) {
            throw new IOException(base + " belongs to " + attributes.owner().getName() + ", not to "
                    + System.getProperty("user.name"));
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException(base + " is open to others (" + PosixFilePermissions.toString(permissions) + ")");
        }
    }

    static boolean ownedByMe(Path path) throws IOException {
        Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return uid instanceof Integer owner && owner == (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }

    private static boolean isTmpfs(Path path) {
        try {
            return Files.isDirectory(path) && Files.getFileStore(path).type().equals("tmpfs");
        } catch (IOException e) {
            return false;
        }
    }

    /** The state directory as its root's name and record know it: its real path, else its normalized absolute one. */
    static Path real(Path stateDirectory) {
        try {
            return stateDirectory.toRealPath();
        } catch (IOException e) {
            return stateDirectory.toAbsolutePath().normalize();
        }
    }

    private static String hash(Path stateDirectory) {
        // Sha256, not MessageDigest: the JCA's start would be a tenth of a short command's CPU; the same name either way
        return HexFormat.of().formatHex(Sha256.of(real(stateDirectory).toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
    }
}
