package dev.stevedore.engine.internal.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;

/**
 * Sweeps the in-memory roots ({@link MemoryStorage}) whose state directory was deleted: a test's temporary state
 * directory leaves its root in {@code /dev/shm}, and no engine opens that state directory again to tidy it. Only this
 * user's roots, only those with a record ({@link MemoryRoots}; an older build's root has none and is left alone),
 * only when the record's state directory is gone for good and no JVM holds the root.
 *
 * <p>It runs on an engine open, which every CLI command makes, so it runs at most once an hour per user (a stamp file
 * {@code /dev/shm/.stevedore-swept-<uid>}: one {@code stat} when not due) and once an hour per JVM (no {@code stat}).
 * {@code -Dstevedore.runtime.sweep.interval=<seconds>} changes the hour (0: every open).
 */
final class MemoryRootSweep {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryRootSweep.class);
    static final String INTERVAL_PROPERTY = "stevedore.runtime.sweep.interval";
    private static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    private static volatile long lastInThisJvm = Long.MIN_VALUE / 2;

    private MemoryRootSweep() {
    }

    /** Sweeps {@code shm} when the interval has passed since the last sweep of this user. */
    static void sweepWhenDue(Path shm) {
        long interval = interval().toMillis();
        long now = System.currentTimeMillis();
        if (now - lastInThisJvm < interval) {
            return;
        }
        lastInThisJvm = now;
        int uid = uid();
        try {
            if (due(shm.resolve(".stevedore-swept-" + uid), uid, now, interval)) {
                sweep(shm, uid);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot sweep the in-memory roots of deleted state directories in {}: {}", shm, e.toString());
        }
    }

    /** Removes this user's roots in {@code shm} whose state directory is gone; returns how many. */
    static int sweep(Path shm, int uid) throws IOException {
        int swept = 0;
        try (DirectoryStream<Path> roots = Files.newDirectoryStream(shm, "stevedore-*")) {
            for (Path root : roots) {
                try {
                    Map<String, Object> attributes = Files.readAttributes(root, "unix:uid,isDirectory", LinkOption.NOFOLLOW_LINKS);
                    if (Boolean.TRUE.equals(attributes.get("isDirectory")) && Integer.valueOf(uid).equals(attributes.get("uid"))
                            && MemoryRoots.read(root).filter(MemoryRoots.Recorded::stateDirectoryGone).isPresent()
                            && MemoryRoots.removeAbandoned(root, MemoryRoots.Recorded::stateDirectoryGone)) {
                        swept++;
                    }
                } catch (IOException | RuntimeException e) {
                    // held, half-removed or being removed by another JVM: the next sweep sees it again
                    LOG.debug("in-memory root {} not swept: {}", root, e.toString());
                }
            }
        }
        return swept;
    }

    /** Whether the stamp is older than the interval; if so, it is renewed, so other JVMs do not sweep as well. */
    private static boolean due(Path stamp, int uid, long now, long interval) throws IOException {
        Map<String, Object> attributes; // one stat
        try {
            attributes = Files.readAttributes(stamp, "unix:uid,isRegularFile,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            try {
                Files.createFile(stamp);
            } catch (FileAlreadyExistsException raced) {
                return false; // another JVM is sweeping now
            }
            return true;
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile")) || !Integer.valueOf(uid).equals(attributes.get("uid"))) {
            return true; // somebody else's file under our name: no stamp, only this JVM's interval
        }
        if (now - ((FileTime) attributes.get("lastModifiedTime")).toMillis() < interval) {
            return false;
        }
        // /dev/shm is sticky: nobody else may replace our regular file by a link between the check and this
        Files.setLastModifiedTime(stamp, FileTime.fromMillis(now));
        return true;
    }

    private static Duration interval() {
        String configured = System.getProperty(INTERVAL_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_INTERVAL;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(configured.trim())));
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a number of seconds; sweeping once an hour", INTERVAL_PROPERTY, configured);
            return DEFAULT_INTERVAL;
        }
    }

    static int uid() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
