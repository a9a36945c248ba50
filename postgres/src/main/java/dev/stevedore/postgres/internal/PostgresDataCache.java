package dev.stevedore.postgres.internal;

import dev.stevedore.dsl.ContainerDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Initialized PostgreSQL data directories, kept between runs: the first start of a configuration runs
 * {@code initdb} and the init scripts as usual and leaves a copy of the fresh data directory here; later starts copy
 * it into the container (unpacked by a wrapper around the image's entrypoint), the entrypoint finds a database and
 * skips initialization, and the server is up in a fraction of the time.
 *
 * <p>Entries for the embedded engine are plain tars (~50 MB for a fresh database, most of it the first WAL segment and
 * the template databases), bind-mounted into the container: unpacking one takes a third of the time a gzipped one needs
 * (no inflating), and that time is on every start's path. Entries for engines that get the file copied through their
 * API (Docker) are gzipped (~8 MB): there the copy costs more than the inflating.
 *
 * <p>An entry is keyed by everything that decides the directory's content: the image id (so a moved tag never
 * reuses an old entry), the container's environment and the files copied in (the init scripts). The directory is
 * {@code STEVEDORE_POSTGRES_CACHE} (or the system property {@code stevedore.postgres.cache}; {@code off} disables
 * caching), else {@code $XDG_CACHE_HOME/stevedore/postgres}, else {@code ~/.cache/stevedore/postgres}. Entries are
 * written atomically, so JVMs sharing the directory never read half an entry; deleting the directory is
 * always safe.
 *
 * <p>Not public API: used by {@code PostgresContainer}.
 */
public final class PostgresDataCache {
    private static final String FORMAT = "stevedore-postgres-data-2";

    private PostgresDataCache() {
    }

    /** The cache directory, or {@code null} when caching is off. */
    public static Path directory(Function<String, String> variables) {
        String configured = variables.apply("STEVEDORE_POSTGRES_CACHE");
        if (configured != null && !configured.isBlank()) {
            String value = configured.trim();
            return value.toLowerCase(Locale.ROOT).equals("off") ? null : Path.of(value);
        }
        String xdg = variables.apply("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("stevedore").resolve("postgres");
    }

    /** The key of a data directory made by {@code imageId} under {@code definition}. */
    public static String key(String imageId, ContainerDefinition definition) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, FORMAT);
            update(digest, imageId);
            for (Map.Entry<String, String> variable : new TreeMap<>(definition.env()).entrySet()) {
                update(digest, variable.getKey() + "=" + variable.getValue());
            }
            for (ContainerDefinition.FileCopy file : definition.files()) {
                update(digest, file.containerPath());
                if (file.content() != null) {
                    digest.update(file.content());
                } else {
                    hashHostPath(digest, file.hostPath());
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The entry's file (which may not exist): a plain tar, or a gzipped one for engines that get it copied. */
    public static Path entry(Path directory, String key, boolean compressed) {
        return directory.resolve(key + (compressed ? ".tar.gz" : ".tar"));
    }

    /**
     * Stores {@code tar} as the entry (gzipped when its name ends in {@code .gz}), replacing it atomically, if it holds
     * the file {@code required} (a copy that missed the data, as Docker's of a tmpfs would, is never kept).
     *
     * @throws IOException when it could not be written or lacks {@code required}
     */
    public static void store(Path entry, InputStream tar, String required) throws IOException {
        Files.createDirectories(entry.getParent());
        Path temporary = entry.resolveSibling(".tmp-" + UUID.randomUUID() + "-" + entry.getFileName());
        try {
            try (OutputStream out = entry.getFileName().toString().endsWith(".gz")
                    ? new GZIPOutputStream(Files.newOutputStream(temporary), 1 << 16) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    }
                    : Files.newOutputStream(temporary)) {
                tar.transferTo(out);
            }
            if (!holds(temporary, required)) {
                throw new IOException("the copy of the data directory holds no " + required);
            }
            Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static boolean holds(Path archive, String name) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream in = new TarArchiveInputStream(archive.getFileName().toString().endsWith(".gz")
                     ? new GZIPInputStream(file, 1 << 16) : file)) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name) || e.getName().equals("./" + name)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static void hashHostPath(MessageDigest digest, Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            for (Path file : files) {
                update(digest, path.relativize(file).toString());
                digest.update(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " for the data directory cache's key failed", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
