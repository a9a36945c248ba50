package dev.stevedore.engine;

import java.util.List;

/**
 * What {@link ContainerEngine#commit} makes of a container, as {@code docker commit} takes it: the reference the new
 * image is filed under, its history entry's comment and author, whether the container is paused while its changes
 * are read, and Dockerfile instructions applied to the new image's config.
 *
 * @param reference the reference the image is filed under; {@code null} for none: the image is then kept dangling, by
 *                  its id, as {@code docker commit CONTAINER} without a repository keeps it
 * @param comment   the history entry's comment ({@code -m}), empty for none
 * @param author    the image's author ({@code -a}), empty for none
 * @param pause     pause a running container while its file system is read (Docker's default)
 * @param changes   {@code --change} instructions: {@code CMD}, {@code ENTRYPOINT}, {@code ENV}, {@code EXPOSE},
 *                  {@code LABEL}, {@code USER}, {@code WORKDIR}, {@code VOLUME}, {@code STOPSIGNAL},
 *                  {@code HEALTHCHECK} and {@code ONBUILD}, in Dockerfile syntax
 */
public record CommitSpec(ImageReference reference, String comment, String author, boolean pause, List<String> changes) {

    public CommitSpec {
        comment = comment == null ? "" : comment;
        author = author == null ? "" : author;
        changes = List.copyOf(changes);
    }

    /** A commit to {@code reference} with Docker's defaults: no comment, no author, paused, no changes. */
    public static CommitSpec to(ImageReference reference) {
        return new CommitSpec(reference, "", "", true, List.of());
    }

    /** A commit to no reference: the new image is dangling, found by its id ({@link Image#dangling()}). */
    public static CommitSpec untagged() {
        return new CommitSpec(null, "", "", true, List.of());
    }

    /** {@link #to(ImageReference)} of a parsed reference. */
    public static CommitSpec to(String reference) {
        return to(ImageReference.parse(reference));
    }

    public CommitSpec withComment(String comment) {
        return new CommitSpec(reference, comment, author, pause, changes);
    }

    public CommitSpec withAuthor(String author) {
        return new CommitSpec(reference, comment, author, pause, changes);
    }

    public CommitSpec withPause(boolean pause) {
        return new CommitSpec(reference, comment, author, pause, changes);
    }

    public CommitSpec withChanges(List<String> changes) {
        return new CommitSpec(reference, comment, author, pause, changes);
    }
}
