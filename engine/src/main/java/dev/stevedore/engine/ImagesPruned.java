package dev.stevedore.engine;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ContainerEngine#pruneImages(boolean, List)} removed, as dockerd's {@code POST /images/prune} answers it.
 *
 * @param removals       what went, in dockerd's order: image by image, its references untagged, then its id deleted;
 *                       on the Docker backend dockerd's list, which names the layers it deleted too
 * @param spaceReclaimed the bytes freed
 */
public record ImagesPruned(List<Removal> removals, long spaceReclaimed) {

    /** Copies the list. */
    public ImagesPruned {
        removals = List.copyOf(removals);
    }

    /** All references untagged first, then all ids deleted: for a caller that has the two lists only. */
    public ImagesPruned(List<String> untagged, List<String> deleted, long spaceReclaimed) {
        this(java.util.stream.Stream.concat(untagged.stream().map(Removal::untagged), deleted.stream().map(Removal::deleted))
                .toList(), spaceReclaimed);
    }

    /** The references removed, familiar ({@code busybox:old}), in the order they went. */
    public List<String> untagged() {
        return removals.stream().filter(r -> r.kind() == Removal.Kind.UNTAGGED).map(Removal::name).toList();
    }

    /** The ids of the images removed ({@code sha256:...}), in the order they went. */
    public List<String> deleted() {
        return removals.stream().filter(r -> r.kind() == Removal.Kind.DELETED).map(Removal::name).toList();
    }

    /**
     * One entry of dockerd's {@code ImagesDeleted}: a reference untagged or an image (or, from dockerd, a layer) deleted.
     *
     * @param kind which of the two
     * @param name the familiar reference ({@code busybox:old}) or the id ({@code sha256:...})
     */
    public record Removal(Kind kind, String name) {
        /** What happened to {@link #name()}. */
        public enum Kind { UNTAGGED, DELETED }

        public Removal {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }

        /** {@code reference} untagged. */
        public static Removal untagged(String reference) {
            return new Removal(Kind.UNTAGGED, reference);
        }

        /** {@code id} deleted. */
        public static Removal deleted(String id) {
            return new Removal(Kind.DELETED, id);
        }
    }
}
