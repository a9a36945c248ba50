package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.internal.store.RandomIds;
import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The native launcher shipped in the engine jar: run from a sealed memory file of this JVM ({@link SealedLauncher}),
 * one per JVM whatever the state directory; where the kernel refuses one, extracted to
 * {@code STATE/bin/launcher-<sha256 prefix>} (the name follows the content, so JVMs running different Stevedore
 * versions share one state directory without replacing each other's launcher, and a binary is written once,
 * atomically), and the launcher then seals a copy of itself at each start.
 */
public final class LauncherBinary {
    private static final Map<Path, Path> EXTRACTED = new ConcurrentHashMap<>();
    private static volatile Optional<Path> sealed;

    private LauncherBinary() {
    }

    /** The resource name of the launcher for this machine, as the build names it. */
    static String resourceName() {
        return "stevedore-launcher-linux-" + System.getProperty("os.arch");
    }

    /** Extracts the launcher (once per state directory and JVM) and returns its path. */
    public static Path extract(Path stateDirectory) {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        return EXTRACTED.computeIfAbsent(stateDirectory.toAbsolutePath(), LauncherBinary::extractNow);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private static Path extractNow(Path stateDirectory) {
        byte[] content = content();
        Optional<Path> memory = sealed;
        if (memory == null) {
            synchronized (LauncherBinary.class) {
                memory = sealed;
                if (memory == null) {
                    memory = SealedLauncher.of(content);
                    sealed = memory;
                }
            }
        }
        return memory.isPresent() ? memory.get() : extractToDisk(stateDirectory, content);
    }

    static byte[] content() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            throw new ContainerEngineException("the embedded engine runs containers on Linux only, this is "
                    + System.getProperty("os.name") + "; use a Docker endpoint instead (set DOCKER_HOST)");
        }
        byte[] content;
        try (InputStream in = LauncherBinary.class.getResourceAsStream(resourceName())) {
            if (in == null) {
                throw new ContainerEngineException("this Stevedore build carries no launcher for linux/"
                        + System.getProperty("os.arch") + " (resource " + resourceName()
                        + " is missing); build the engine on this architecture or use a Docker endpoint");
            }
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read the launcher resource " + resourceName(), e);
        }
        return content;
    }

    /** The fallback where no sealed memory file can be made; package-private for its test. */
    static Path extractToDisk(Path stateDirectory, byte[] content) {
        String hash = sha256(content);
        Path bin = stateDirectory.resolve("bin");
        Path target = bin.resolve("launcher-" + hash.substring(0, 16));
        try {
            // root runs this file: trust an existing one only when its content is ours
            if (Files.isRegularFile(target) && Files.size(target) == content.length && Files.isExecutable(target)
                    && sha256(Files.readAllBytes(target)).equals(hash)) {
                return target;
            }
            Files.createDirectories(bin);
            Path temp = bin.resolve(".launcher-" + hash.substring(0, 16) + "." + RandomIds.uniqueName());
            try {
                Files.write(temp, content);
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " into place atomically", e);
            } finally {
                Files.deleteIfExists(temp);
            }
            return target;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot extract the launcher to " + target
                    + ": " + e.getMessage() + "; check that the state directory is writable", e);
        }
    }
}
