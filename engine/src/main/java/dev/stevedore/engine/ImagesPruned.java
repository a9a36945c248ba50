package dev.stevedore.engine;

import java.util.List;

/**
 * What {@link ContainerEngine#pruneImages(boolean, List)} removed, as dockerd's {@code POST /images/prune} answers it.
 *
 * @param untagged       the references removed, familiar ({@code busybox:old}), in the order they went
 * @param deleted        the ids of the images removed ({@code sha256:...}); on the Docker backend dockerd's list, which
 *                       names the layers it deleted too
 * @param spaceReclaimed the bytes freed
 */
public record ImagesPruned(List<String> untagged, List<String> deleted, long spaceReclaimed) {

    /** Copies the lists. */
    public ImagesPruned {
        untagged = List.copyOf(untagged);
        deleted = List.copyOf(deleted);
    }
}
