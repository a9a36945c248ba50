package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.Libc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * How the files of an unpacked layer get the owners their archive names, one strategy per engine: as root,
 * at once ({@link #host()}); without privileges, not at all ({@link #none()}); rootless, collected and applied at
 * the end by a process inside the user's namespace ({@link #deferred}), since only there do container ids land on
 * the user's subordinate ids. One instance serves one unpack ({@link Factory}).
 */
public interface LayerOwners {
    /**
     * One entry's owner (container ids). {@code mode} is set again after a later chown, which clears setuid and
     * setgid (0 for directories and symlinks: nothing to restore).
     */
    void own(int parent, byte[] base, String key, long uid, long gid, int mode) throws IOException;

    /** A lower layer's directory owner as seen on the host, in container ids. */
    long containerUid(long hostUid);

    /** As {@link #containerUid} for groups. */
    long containerGid(long hostGid);

    /** Called once every entry is in and directory modes are set; {@code root} is the layer's directory. */
    default void finish(Path root) throws IOException {
    }

    /** Makes the strategy's instance for one unpack. */
    @FunctionalInterface
    interface Factory {
        LayerOwners forLayer();
    }

    /** Root: {@code lchown} as each entry is written. */
    static LayerOwners host() {
        return new LayerOwners() {
            @Override
            public void own(int parent, byte[] base, String key, long uid, long gid, int mode) throws IOException {
                Libc.lchownat(parent, base, (int) uid, (int) gid);
            }

            @Override
            public long containerUid(long hostUid) {
                return hostUid;
            }

            @Override
            public long containerGid(long hostGid) {
                return hostGid;
            }
        };
    }

    /** An unprivileged process without a user namespace: every file stays this process's. */
    static LayerOwners none() {
        return new LayerOwners() {
            @Override
            public void own(int parent, byte[] base, String key, long uid, long gid, int mode) {
            }

            @Override
            public long containerUid(long hostUid) {
                return hostUid;
            }

            @Override
            public long containerGid(long hostGid) {
                return hostGid;
            }
        };
    }

    /** What a deferred strategy hands over at the end: each path (relative, archive bytes) with its owner. */
    record Owner(byte[] path, long uid, long gid, int mode) {
    }

    /** Applies the collected owners below a layer root. */
    @FunctionalInterface
    interface Applier {
        void apply(Path root, List<Owner> owners) throws IOException;
    }

    /**
     * Rootless: the files are written as this process (container root), and every other owner is applied at the
     * end by {@code applier} in the user's namespace. The last owner given for a path wins; entries a later one
     * replaced are applied to what is there then.
     */
    static LayerOwners deferred(LongUnaryOperator hostToContainerUid, LongUnaryOperator hostToContainerGid, Applier applier) {
        Map<String, Owner> owners = new LinkedHashMap<>();
        return new LayerOwners() {
            @Override
            public void own(int parent, byte[] base, String key, long uid, long gid, int mode) {
                owners.remove(key); // re-inserted last: after its parents' owners, which a chown never needs anyway
                owners.put(key, new Owner(key.getBytes(StandardCharsets.ISO_8859_1), uid, gid, mode));
            }

            @Override
            public long containerUid(long hostUid) {
                return hostToContainerUid.applyAsLong(hostUid);
            }

            @Override
            public long containerGid(long hostGid) {
                return hostToContainerGid.applyAsLong(hostGid);
            }

            @Override
            public void finish(Path root) throws IOException {
                List<Owner> needed = new ArrayList<>();
                for (Owner o : owners.values()) {
                    if (o.uid() != 0 || o.gid() != 0) {
                        needed.add(o);
                    }
                }
                owners.clear();
                if (!needed.isEmpty()) {
                    applier.apply(root, needed);
                }
            }
        };
    }
}
