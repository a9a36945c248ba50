package dev.stevedore.engine.internal.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes the state of containers whose owner JVM and supervisor are both gone. The lifeline already
 * killed their processes, and their mounts lived only in their own mount namespaces; what remains are
 * directories (upper layer, logs, state files), which this deletes.
 */
public final class OrphanReaper {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanReaper.class);
    /** A directory without an owner file may be one a JVM is creating right now. */
    private static final Duration UNOWNED_GRACE = Duration.ofMinutes(1);

    private OrphanReaper() {
    }

    /**
     * Deletes each container directory under {@code containersDirectory} whose recorded owner (pid +
     * start time) and supervisor are no longer running. Safe to run from several JVMs at once.
     *
     * @return the directories deleted
     */
    public static List<Path> reapOrphans(Path containersDirectory) {
        List<Path> reaped = new ArrayList<>();
        if (!Files.isDirectory(containersDirectory)) {
            return reaped;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(containersDirectory, Files::isDirectory)) {
            for (Path dir : dirs) {
                try {
                    if (isOrphan(dir)) {
                        Cgroups.remove(StateFiles.readCgroups(dir));
                        delete(dir);
                        reaped.add(dir);
                    }
                } catch (IOException e) {
                    LOG.warn("cannot reap the state of container {}: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list containers in {} to reap orphans: {}", containersDirectory, e.toString());
        }
        return reaped;
    }

    /**
     * Whether the container in {@code dir} has been left behind: its owner (the JVM that started it) and
     * its supervisor have both ended, or it never got an owner and is older than a minute.
     */
    public static boolean isOrphan(Path dir) throws IOException {
        Optional<ProcessIdentity> owner = StateFiles.identity(dir.resolve(StateFiles.OWNER));
        if (owner.isEmpty()) {
            FileTime modified = Files.getLastModifiedTime(dir);
            return modified.toInstant().isBefore(Instant.now().minus(UNOWNED_GRACE));
        }
        if (owner.get().isAlive()) {
            return false;
        }
        Optional<ProcessIdentity> supervisor = StateFiles.identity(dir.resolve(StateFiles.SUPERVISOR));
        return supervisor.isEmpty() || !supervisor.get().isAlive();
    }

    /** Whether the JVM that started the container in {@code dir} still runs; false when none did. */
    public static boolean ownerAlive(Path dir) throws IOException {
        return StateFiles.identity(dir.resolve(StateFiles.OWNER)).map(ProcessIdentity::isAlive).orElse(false);
    }

    /** Whether the supervisor of the container in {@code dir} still runs. */
    public static boolean supervisorAlive(Path dir) throws IOException {
        return supervisor(dir).map(ProcessIdentity::isAlive).orElse(false);
    }

    /** The supervisor of the container's last run in {@code dir}, as it recorded itself; empty before it did. */
    public static Optional<ProcessIdentity> supervisor(Path dir) throws IOException {
        return StateFiles.identity(dir.resolve(StateFiles.SUPERVISOR));
    }

    /** How the container's last run ended, as its supervisor recorded it; empty before that. */
    public static Optional<ExitStatus> recordedExit(Path dir) {
        try {
            return StateFiles.read(dir.resolve(StateFiles.EXIT)).map(v -> {
                Instant at = Instant.ofEpochMilli(Long.parseLong(v.getOrDefault("finished-at-ms", "0")));
                return (v.containsKey("signal") ? ExitStatus.killed(Integer.parseInt(v.get("signal")), at)
                        : ExitStatus.exited(Integer.parseInt(v.get("code")), at)).withOomKilled("1".equals(v.get("oom-killed")));
            });
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Forgets the last run's end and supervisor before a new start, so a reader never mistakes them for the new run's,
     * and removes the groups it left (the new run makes its own, of the same names).
     */
    public static void clearRun(Path dir) throws IOException {
        removeCgroups(dir);
        Files.deleteIfExists(dir.resolve(StateFiles.EXIT));
        Files.deleteIfExists(dir.resolve(StateFiles.SUPERVISOR));
    }

    /** Removes the cgroups a container's supervisor left (it removes them itself unless it was killed). */
    public static void removeCgroups(Path dir) {
        try {
            Cgroups.remove(StateFiles.readCgroups(dir));
        } catch (IOException e) {
            LOG.debug("cannot read the cgroups of container {}: {}", dir, e.toString());
        }
    }

    /**
     * Deletes one container's state directory (upper layer, logs, state files). Refuses to descend into
     * another file system or below a mount point, so a leaked mount never costs host data.
     */
    public static void delete(Path dir) throws IOException {
        String real = dir.toRealPath().toString();
        // a mount below the directory would make a recursive delete reach into another file system
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                String mountPoint = unescape(fields[4]);
                if (mountPoint.equals(real) || mountPoint.startsWith(real + "/")) {
                    throw new IOException("something is mounted at " + mountPoint + "; unmount it, then reap again");
                }
            }
        }
        dev.stevedore.engine.internal.os.FileTrees.deleteRecursively(dir);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
