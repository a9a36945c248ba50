package dev.stevedore.engine.internal.build;

import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * How the image builder reads a container's upper directory into a layer. As root ({@link #AS_ROOT}) the owners it
 * sees are the container's and nothing is closed to it. A rootless engine sees the user's own and subordinate ids on
 * the host: {@code containerUid}/{@code containerGid} give the container's ids back (the user is the container's 0,
 * the range its 1..65535; an id with none is the kernel's overflow id, 65534), so a layer never holds host ids; and
 * when a file is closed to it, the whole directory is read by {@code inNamespace} instead.
 *
 * @param containerUid the container's uid of an owner the JVM sees; negative when it has none
 * @param containerGid the container's gid of a group the JVM sees; negative when it has none
 * @param inNamespace  who reads what the JVM may not; null when the JVM may read everything
 */
public record UpperDirectoryAccess(LongUnaryOperator containerUid, LongUnaryOperator containerGid,
                                   UpperDirectoryArchiver inNamespace) {
    /** The rootful engine's: ids as they are, everything readable. */
    public static final UpperDirectoryAccess AS_ROOT = new UpperDirectoryAccess(LongUnaryOperator.identity(),
            LongUnaryOperator.identity(), null);
    /** The kernel's id for an owner the user namespace does not map ("nobody"). */
    static final int OVERFLOW_ID = 65534;

    public UpperDirectoryAccess {
        Objects.requireNonNull(containerUid, "containerUid");
        Objects.requireNonNull(containerGid, "containerGid");
    }

    int uid(int seen) {
        long id = containerUid.applyAsLong(seen);
        return id < 0 ? OVERFLOW_ID : (int) id;
    }

    int gid(int seen) {
        long id = containerGid.applyAsLong(seen);
        return id < 0 ? OVERFLOW_ID : (int) id;
    }
}
