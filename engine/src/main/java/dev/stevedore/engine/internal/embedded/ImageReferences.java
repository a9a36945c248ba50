package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConflictException;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.ImagesPruned;
import dev.stevedore.engine.internal.build.ImageBuilder;
import dev.stevedore.engine.internal.store.Digest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What names an image on the embedded engine, changed as dockerd changes it: a tag (by reference or by id), removal
 * by reference ({@code rmi NAME}) and by id ({@code rmi ID}: every reference, then the image) with dockerd's conflict
 * rules, and the prune of dangling or unused images; each publishes dockerd's {@code tag}, {@code untag} and
 * {@code delete} events, named by the image's id ({@code tag} by the new reference). A prune takes a built image's
 * build cache steps that nothing else stands on along with it, as dockerd's takes the intermediate images. An image another was made from
 * (its {@link Image#parent() parent}) stays while that child does, as dockerd's: removal by id is refused, removal of
 * its last name leaves it dangling, and it goes along with its last child when it is dangling then.
 *
 * <p>One difference from dockerd: a forced removal of a stopped container's image takes its references but keeps the
 * image, dangling, because the container's root file system stands on its layers (dockerd keeps those layers under
 * the container instead). It goes with a prune once the container is gone.
 */
final class ImageReferences {
    private final ImageService images;
    private final Supplier<ContainerService> containers;
    private final Supplier<EmbeddedEvents> events;
    private final Supplier<ImageBuilder> builder;
    private final Path stateDirectory;

    ImageReferences(ImageService images, Supplier<ContainerService> containers, Supplier<EmbeddedEvents> events,
                  Supplier<ImageBuilder> builder, Path stateDirectory) {
        this.images = images;
        this.containers = containers;
        this.events = events;
        this.builder = builder;
        this.stateDirectory = stateDirectory;
    }

    /** {@code ContainerEngine#tag}. */
    void tag(ImageReference source, ImageReference target) {
        images.tag(source, target);
        tagged(target);
    }

    /** {@code ContainerEngine#tagById}: a dangling image is named so. */
    void tagById(String id, ImageReference target) {
        images.tagById(id, target);
        tagged(target);
    }

    private void tagged(ImageReference target) {
        images.find(target).ifPresent(tagged -> events.get().publish(EngineEvent.Type.IMAGE, EngineEvent.Action.TAG,
                tagged.id(), Map.of(EngineEvent.NAME, target.toString())));
    }

    /**
     * {@code ContainerEngine#removeImage}: the reference goes; the image with its last one, unless a container uses it or
     * an image was made from it (it stays then, dangling, as dockerd keeps a parent); the dangling parents it leaves go
     * along, as {@code docker rmi} prunes them.
     */
    void byReference(ImageReference reference) {
        Optional<Image> image = images.find(reference);
        boolean last = image.isPresent() && image.get().references().size() <= 1;
        if (last) {
            // Docker's rule: the last reference of an image goes only when no container uses it
            containers.get().usersOf(image.get().id()).stream().findFirst().ifPresent(user -> {
                throw new ImageConflictException("cannot remove " + reference.familiar() + ": container " + user.name()
                        + " (" + user.shortId() + ") uses it — remove the container first", image.get().id(), false);
            });
        }
        if (last && !children(image.get().id()).isEmpty()) {
            images.removeImage(image.get(), true, false);
            publish(EngineEvent.Action.UNTAG, image.get());
            return;
        }
        if (!images.remove(reference)) {
            throw new ImageNotFoundException("cannot remove " + reference.familiar() + ": no such image in the local store "
                    + stateDirectory, reference.registry(), reference, 0);
        }
        image.ifPresent(removed -> {
            publish(EngineEvent.Action.UNTAG, removed);
            if (removed.references().size() <= 1) {
                publish(EngineEvent.Action.DELETE, removed);
                pruneParents(removed);
            }
        });
    }

    /** {@code ContainerEngine#removeImageById}. */
    void byId(String id, boolean force) {
        Image image = images.findById(id).orElseThrow(() -> new ImageNotFoundException("cannot remove image " + id
                + ": no image with that id in the local store " + stateDirectory, null, null, 0));
        String shortId = shortId(image.id());
        if (!children(image.id()).isEmpty()) {
            // dockerd's hard conflict, checked first: a child image's history and parent stand on this one
            throw new ImageConflictException("conflict: unable to delete " + shortId + " (cannot be forced) - image has"
                    + " dependent child images — remove the images made from it first", image.id(), false);
        }
        List<ContainerInfo> users = containers.get().usersOf(image.id());
        for (ContainerInfo user : users) {
            if (user.state().running() || user.state().paused()) {
                throw new ImageConflictException("conflict: unable to delete " + shortId + " (cannot be forced) - image is"
                        + " being used by running container " + user.shortId() + " — stop and remove it first", image.id(), false);
            }
        }
        if (!force && !users.isEmpty()) {
            throw new ImageConflictException("conflict: unable to delete " + shortId + " (must be forced) - image is being"
                    + " used by stopped container " + users.get(0).shortId() + " — remove the container first", image.id(), true);
        }
        if (!force && image.references().stream().map(ImageReference::repository).distinct().count() > 1) {
            throw new ImageConflictException("conflict: unable to delete " + shortId + " (must be forced) - image is"
                    + " referenced in multiple repositories", image.id(), true);
        }
        images.removeImage(image, !users.isEmpty(), false);
        image.references().forEach(reference -> publish(EngineEvent.Action.UNTAG, image));
        if (users.isEmpty()) {
            publish(EngineEvent.Action.DELETE, image);
            pruneParents(image);
        }
    }

    /**
     * {@code ContainerEngine#pruneImages}: what no container was made from, dangling only unless {@code all}, with every
     * one of {@code labels} ({@code KEY} or {@code KEY=VALUE}).
     */
    ImagesPruned prune(boolean all, List<String> labels) {
        Set<String> used = new HashSet<>();
        containers.get().list(true, Map.of()).forEach(c -> used.add(c.imageId()));
        List<Image> listed = images.list();
        Set<String> parents = new HashSet<>();
        listed.forEach(i -> parents.add(i.parent()));
        List<ImagesPruned.Removal> removals = new ArrayList<>();
        long reclaimed = 0;
        for (Image image : listed) {
            // as dockerd, the top images only: a parent goes along with its last child when it is dangling
            if (parents.contains(image.id()) || used.contains(image.id())
                    || !(all || image.dangling()) || !hasLabels(image, labels)) {
                continue;
            }
            try {
                // the build's steps go with it, as dockerd's intermediate images do: what the prune frees, it reports
                builder.get().dropStepsOf(Digest.parse(image.manifestDigest()));
                reclaimed += images.removeImage(image, false, true);
            } catch (ContainerEngineException e) {
                continue; // removed by another JVM meanwhile: dockerd's prune leaves what it cannot remove, too
            }
            // dockerd's order: image by image, its references then its id
            image.references().forEach(reference -> removals.add(ImagesPruned.Removal.untagged(reference.familiar())));
            image.references().forEach(reference -> publish(EngineEvent.Action.UNTAG, image));
            removals.add(ImagesPruned.Removal.deleted(image.id()));
            publish(EngineEvent.Action.DELETE, image);
            pruneParents(image).forEach(parent -> removals.add(ImagesPruned.Removal.deleted(parent)));
        }
        return new ImagesPruned(removals, reclaimed);
    }

    /** The images made from the image {@code id} ({@code docker commit} of a container of it). */
    private List<Image> children(String id) {
        return images.list().stream().filter(i -> i.parent().equals(id)).toList();
    }

    /**
     * Removes the parents {@code removed} leaves dangling, nearest first, as dockerd's {@code rmi} and prune do (without
     * {@code --no-prune}): each that no tag names, no container was made from and no other image stands on; returns
     * their ids.
     */
    private List<String> pruneParents(Image removed) {
        List<String> deleted = new ArrayList<>();
        String parentId = removed.parent();
        while (!parentId.isEmpty()) {
            Optional<Image> parent = images.findById(parentId);
            if (parent.isEmpty() || !parent.get().references().isEmpty() || !children(parentId).isEmpty()
                    || !containers.get().usersOf(parentId).isEmpty()) {
                break;
            }
            try {
                images.removeImage(parent.get(), false, false);
            } catch (ContainerEngineException e) {
                break; // removed by another JVM meanwhile
            }
            publish(EngineEvent.Action.DELETE, parent.get());
            deleted.add(parentId);
            parentId = parent.get().parent();
        }
        return deleted;
    }

    private static boolean hasLabels(Image image, List<String> labels) {
        Map<String, String> has = image.config().labels();
        for (String label : labels) {
            int equals = label.indexOf('=');
            boolean matches = equals < 0 ? has.containsKey(label)
                    : label.substring(equals + 1).equals(has.get(label.substring(0, equals)));
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    private void publish(EngineEvent.Action action, Image image) {
        // as dockerd names them: by the image's id, whichever reference went
        events.get().publish(EngineEvent.Type.IMAGE, action, image.id(), Map.of(EngineEvent.NAME, image.id()));
    }

    static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
