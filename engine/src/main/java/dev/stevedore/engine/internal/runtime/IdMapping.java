package dev.stevedore.engine.internal.runtime;

import java.util.List;

/**
 * How a rootless container's ids map onto the host's: container uid 0 is the user ({@code uid}), container uids
 * 1..{@code subUidCount} are the user's subordinate range from {@code subUidStart}; the same for groups. A mapping
 * without a range ({@code subUidCount == 0}) is the single-id fallback: only 0 exists inside.
 *
 * @param uid          the user's uid on the host
 * @param gid          the user's primary gid on the host
 * @param subUidStart  the first subordinate uid ({@code /etc/subuid})
 * @param subUidCount  how many subordinate uids (0: none)
 * @param subGidStart  the first subordinate gid ({@code /etc/subgid})
 * @param subGidCount  how many subordinate gids (0: none)
 */
public record IdMapping(long uid, long gid, long subUidStart, long subUidCount, long subGidStart, long subGidCount) {
    /** Container ids above this are never mapped: Docker's images stay well below. */
    public static final long MAX_MAPPED = 65535;

    /** Whether only container id 0 is mapped (no subordinate range). */
    public boolean singleId() {
        return subUidCount == 0 || subGidCount == 0;
    }

    /** Whether container uid {@code id} has a host uid. */
    public boolean mapsUid(long id) {
        return id == 0 || (!singleId() && id >= 1 && id <= Math.min(subUidCount, MAX_MAPPED));
    }

    /** Whether container gid {@code id} has a host gid. */
    public boolean mapsGid(long id) {
        return id == 0 || (!singleId() && id >= 1 && id <= Math.min(subGidCount, MAX_MAPPED));
    }

    /** The host uid of container uid {@code id}; -1 when unmapped. */
    public long hostUid(long id) {
        return id == 0 ? uid : mapsUid(id) ? subUidStart + id - 1 : -1;
    }

    /** The container uid of host uid {@code host}; -1 when it has none (shown as "nobody" inside). */
    public long containerUid(long host) {
        if (host == uid) {
            return 0;
        }
        long id = host - subUidStart + 1;
        return mapsUid(id) && id > 0 ? id : -1;
    }

    /** The container gid of host gid {@code host}; -1 when it has none. */
    public long containerGid(long host) {
        if (host == gid) {
            return 0;
        }
        long id = host - subGidStart + 1;
        return mapsGid(id) && id > 0 ? id : -1;
    }

    /** The arguments of {@code newuidmap PID ...} after the pid: container 0 → the user, 1.. → the range. */
    List<String> uidMapArguments() {
        return singleId() ? List.of("0", Long.toString(uid), "1")
                : List.of("0", Long.toString(uid), "1", "1", Long.toString(subUidStart), Long.toString(Math.min(subUidCount, MAX_MAPPED)));
    }

    /** The arguments of {@code newgidmap PID ...} after the pid. */
    List<String> gidMapArguments() {
        return singleId() ? List.of("0", Long.toString(gid), "1")
                : List.of("0", Long.toString(gid), "1", "1", Long.toString(subGidStart), Long.toString(Math.min(subGidCount, MAX_MAPPED)));
    }
}
