package dev.stevedore.engine;

import dev.stevedore.docker.wire.GoDuration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@link ContainerEngine#pruneBuildCache(BuildCachePrune)} removes, as {@code docker builder prune} and dockerd's
 * {@code POST /build/prune} take it. The options narrow each other: a step goes when {@code all} or the default rule
 * selects it, it is older than {@code unusedFor}, and the cache is still larger than {@code keepStorage}.
 *
 * @param all         every cached step ({@code --all}), not only those whose layers no tagged image uses
 * @param unusedFor   only steps no build made or reused for at least this long ({@code --filter until=24h}); null: any
 * @param keepStorage keep the most recently used steps while the cache holds at most this many bytes
 *                    ({@code --keep-storage}); 0: no such limit
 */
public record BuildCachePrune(boolean all, Duration unusedFor, long keepStorage) {

    /** Checks the values. */
    public BuildCachePrune {
        if (keepStorage < 0) {
            throw new IllegalArgumentException("keep-storage must be 0 or more bytes, not " + keepStorage);
        }
        if (unusedFor != null && unusedFor.isNegative()) {
            throw new IllegalArgumentException("the until filter must be a duration of 0 or more, not " + unusedFor);
        }
    }

    /** The default prune: the steps whose layers no tagged image uses, whatever their age. */
    public static BuildCachePrune defaults() {
        return new BuildCachePrune(false, null, 0);
    }

    /**
     * The options as Docker's client sends them: {@code filters} may hold {@code until} (or its older name
     * {@code unused-for}) with one Go duration such as {@code 24h}.
     *
     * @throws IllegalArgumentException for another filter (those select BuildKit's record kinds, which this cache
     *                                  has not), more than one value, or a value that is no duration
     */
    public static BuildCachePrune of(boolean all, long keepStorage, Map<String, List<String>> filters) {
        Duration unusedFor = null;
        for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
            if (!filter.getKey().equals("until") && !filter.getKey().equals("unused-for")) {
                throw new IllegalArgumentException("invalid filter '" + filter.getKey() + "': the build cache is"
                        + " pruned by until=DURATION (e.g. until=24h), --keep-storage and --all only");
            }
            if (filter.getValue().size() != 1 || unusedFor != null) {
                throw new IllegalArgumentException("the until filter takes one duration (e.g. until=24h), not "
                        + filter.getValue());
            }
            try {
                unusedFor = GoDuration.parse(filter.getValue().get(0));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + filter.getKey() + "\" filter expects a duration (e.g., '24h'): "
                        + e.getMessage(), e);
            }
        }
        return new BuildCachePrune(all, unusedFor, keepStorage);
    }
}
