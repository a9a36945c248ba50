package dev.stevedore.engine;

import java.util.List;

/**
 * What {@link ContainerEngine#pruneBuildCache(BuildCachePrune)} removed, as dockerd's {@code POST /build/prune}
 * answers it.
 *
 * @param deleted        the ids of the cache entries removed (the embedded engine's step cache keys)
 * @param spaceReclaimed the bytes freed
 */
public record BuildCachePruned(List<String> deleted, long spaceReclaimed) {

    /** Copies the list. */
    public BuildCachePruned {
        deleted = List.copyOf(deleted);
    }
}
