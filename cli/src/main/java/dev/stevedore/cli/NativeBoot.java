package dev.stevedore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Spares each short-lived CLI process two costs of JNA's start: by default JNA copies its native part
 * ({@code libjnidispatch.so}, ~130 KB) out of the jar into a new temporary file on every start (seeding a
 * {@code SecureRandom} for the file's name on the way), and on Linux it runs {@code /sbin/ldconfig -p} in a child
 * process to learn the system's library directories. The CLI loads only libc, which JNA opens as the process itself
 * and never searches for. So the native part is copied once into the user's cache and JNA is pointed at that copy
 * ({@code jna.boot.library.path}), and the library path is given ({@code jna.platform.library.path}), which skips
 * the ldconfig run. Properties already set (by {@code STEVEDORE_JAVA_OPTS} or a test) are left as they are.
 *
 * <p>The copy's directory is named by JNA's version and its native part's version, so a jar with another JNA uses
 * another copy; the copy appears under its name only when complete. If it cannot be made (no cache directory, a
 * read-only home), JNA extracts as it always did; if a copy were unloadable, JNA falls back to extracting too.
 */
final class NativeBoot {
    static final String BOOT_PATH = "jna.boot.library.path";
    static final String PLATFORM_PATH = "jna.platform.library.path";
    /** Debian's and most distributions' library directories: searched for libraries other than libc, if any. */
    private static final String LIBRARY_PATH =
            "/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu"
                    + ":/usr/lib64:/lib64:/usr/lib:/lib";

    private NativeBoot() {
    }

    /** Sets JNA's start-up properties in {@code properties} for a CLI process; the cache as the launcher finds it. */
    static void prepare(Properties properties, UnaryOperator<String> environment) {
        if (!"Linux".equals(properties.getProperty("os.name"))) {
            return; // elsewhere JNA neither runs ldconfig nor is the embedded engine used
        }
        properties.putIfAbsent(PLATFORM_PATH, LIBRARY_PATH);
        if (properties.getProperty(BOOT_PATH) != null) {
            return;
        }
        Path cache = cacheDirectory(environment);
        String resource = resource(properties.getProperty("os.arch"));
        if (cache == null || resource == null) {
            return;
        }
        // compile-time constants (JNA's Version, which Native implements): reading them loads no JNA class
        Path directory = cache.resolve("jna-" + com.sun.jna.Native.VERSION + "-" + com.sun.jna.Native.VERSION_NATIVE);
        if (Files.isRegularFile(directory.resolve("libjnidispatch.so")) || copy(resource, directory)) {
            properties.setProperty(BOOT_PATH, directory.toString());
        }
    }

    /** Where the launcher keeps its archives' parent: {@code $XDG_CACHE_HOME/stevedore}, else ~/.cache/stevedore. */
    static Path cacheDirectory(UnaryOperator<String> environment) {
        String xdg = environment.apply("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "stevedore");
        }
        String home = environment.apply("HOME");
        return home != null && home.startsWith("/") ? Path.of(home, ".cache", "stevedore") : null;
    }

    /** JNA's resource for the architecture, as JNA names its directories in the jar. */
    private static String resource(String arch) {
        return switch (arch == null ? "" : arch) {
            case "amd64", "x86_64" -> "/com/sun/jna/linux-x86-64/libjnidispatch.so";
            case "aarch64" -> "/com/sun/jna/linux-aarch64/libjnidispatch.so";
            default -> null;
        };
    }

    private static boolean copy(String resource, Path directory) {
        try (InputStream in = NativeBoot.class.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, "libjnidispatch", ".partial");
            try {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                // a concurrent CLI may have won the race: its copy has the same bytes
                Files.move(partial, directory.resolve("libjnidispatch.so"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // JNA extracts to a temporary file, as without this
        }
    }
}
