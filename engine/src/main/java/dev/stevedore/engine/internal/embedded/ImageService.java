package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullListener;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import dev.stevedore.engine.PushListener;
import dev.stevedore.engine.internal.build.ImageBuilder;
import dev.stevedore.engine.internal.image.ArchiveImporter;
import dev.stevedore.engine.internal.image.ArchiveWriter;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.ImageConfigDocument;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.image.ImportedImage;
import dev.stevedore.engine.internal.layer.LayerListener;
import dev.stevedore.engine.internal.layer.LayerSizes;
import dev.stevedore.engine.internal.layer.SnapshotStore;
import dev.stevedore.engine.internal.layer.StoreCollector;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.registry.RegistryClient;
import dev.stevedore.engine.internal.registry.ResolvedImage;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.internal.store.ImageIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Images in the embedded engine: pulls (resolve, download concurrently, verify, unpack), the local
 * listing, tags, removal with garbage collection, offline import and export ({@code save}), and pushes.
 *
 * <p>Pulls hold the state directory's collector lock shared and removal holds it exclusively, so a
 * removal in one JVM never deletes a blob a pull in another JVM is about to use.
 */
final class ImageService implements AutoCloseable {
    // an id in full is never a name (dockerd's rule); a prefix is tried when no image has it as a name
    static final java.util.regex.Pattern FULL_ID = java.util.regex.Pattern.compile("(sha256:)?[0-9a-f]{64}");
    static final java.util.regex.Pattern SHORT_ID = java.util.regex.Pattern.compile("(sha256:)?[0-9a-f]{4,64}");
    /** dockerd downloads three layers at a time; a fourth helps on loopback where the disk is the limit. */
    private static final int PARALLEL_DOWNLOADS = 4;

    private final ContentStore store;
    private final ImageIndex index;
    private final SnapshotStore snapshots;
    private final EngineSettings settings;
    private final StoreCollector collector;
    private final ImageHistories histories;
    /** Made on the first pull: an engine that runs stored images never loads the HTTP and TLS stack. */
    private RegistryClient registry;
    private ExecutorService downloads;
    private boolean closed;
    private final Map<Digest, StoredImage> parsed = new ConcurrentHashMap<>();
    private final ImageSizes sizes;

    ImageService(EngineSettings settings, EngineMode mode) {
        Path state = settings.stateDirectory();
        this.store = new ContentStore(state.resolve("content"));
        this.index = new ImageIndex(state);
        this.snapshots = new SnapshotStore(state, mode.unpacker());
        this.settings = settings;
        this.collector = new StoreCollector(state, index, store, snapshots);
        this.sizes = new ImageSizes(store, snapshots, digest -> stored(digest).manifest().layers(), this::damaged);
        this.histories = new ImageHistories(store, this::findById, image -> sizes.layers(Digest.parse(image.manifestDigest())));
    }

    private synchronized RegistryClient registry() {
        if (closed) {
            throw new ContainerEngineException("the engine on " + settings.stateDirectory() + " is closed; open a new one to pull");
        }
        if (registry == null) {
            registry = new RegistryClient(settings);
            AtomicInteger threads = new AtomicInteger();
            downloads = Executors.newFixedThreadPool(PARALLEL_DOWNLOADS, r -> {
                Thread t = new Thread(r, "stevedore-download-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return registry;
    }

    private synchronized ExecutorService downloads() {
        registry();
        return downloads;
    }

    Image pull(ImageReference reference, Platform platform, PullListener listener) {
        RegistryClient registry = registry();
        try (CrossProcessLock ignored = collector.protect()) {
            ResolvedImage resolved = registry.resolve(reference, platform, store);
            ImageManifest manifest = resolved.manifest();
            List<Descriptor> layers = manifest.layers();
            listener.onProgress(new PullProgress(reference, resolved.manifestDigest().toString(), Phase.RESOLVED, 0, layers.size()));
            if (resolved.indexDigest() != null) {
                storeBytes(resolved.indexDigest(), resolved.indexBytes());
            }
            storeBytes(resolved.manifestDigest(), resolved.manifestBytes());

            Descriptor config = manifest.config();
            registry.fetchBlob(resolved, config, store, bytes -> { });
            ImageConfigDocument configDocument = ImageConfigDocument.parse(store.readBlob(config.digest()));
            if (configDocument.diffIds().size() != layers.size()) {
                throw new ContainerEngineException("image " + reference + " is inconsistent: its manifest lists "
                        + layers.size() + " layers but its config " + configDocument.diffIds().size() + " diff ids");
            }

            download(reference, resolved, layers, listener);
            // A layer that was already unpacked stays "Already exists", as Docker shows it.
            Set<Digest> extracted = java.util.concurrent.ConcurrentHashMap.newKeySet();
            snapshots.prepare(store, layers, configDocument.diffIds(), (layer, phase, bytes) -> {
                if (phase == Phase.EXTRACTING) {
                    extracted.add(layer);
                } else if (!extracted.contains(layer)) {
                    return;
                }
                listener.onProgress(new PullProgress(reference, layer.toString(), phase, bytes, sizeOf(layers, layer)));
            });
            index.put(withoutDigestIfTagged(reference), resolved.manifestDigest());
            listener.onProgress(new PullProgress(reference, resolved.manifestDigest().toString(), Phase.COMPLETE, 0, 0));
            return find(withoutDigestIfTagged(reference)).orElseThrow();
        } catch (IOException e) {
            throw new ContainerEngineException("pull of " + reference + " failed: " + e.getMessage(), e);
        }
    }

    private void download(ImageReference reference, ResolvedImage resolved, List<Descriptor> layers, PullListener listener) {
        RegistryClient registry = registry();
        ExecutorService downloads = downloads();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        Set<Digest> seen = new HashSet<>();
        for (Descriptor layer : layers) {
            if (!seen.add(layer.digest())) {
                continue;
            }
            String id = layer.digest().toString();
            if (store.hasBlob(layer.digest())) {
                listener.onProgress(new PullProgress(reference, id, Phase.ALREADY_EXISTS, layer.size(), layer.size()));
                continue;
            }
            listener.onProgress(new PullProgress(reference, id, Phase.WAITING, 0, layer.size()));
            pending.add(CompletableFuture.runAsync(() -> {
                registry.fetchBlob(resolved, layer, store,
                        bytes -> listener.onProgress(new PullProgress(reference, id, Phase.DOWNLOADING, bytes, layer.size())));
                listener.onProgress(new PullProgress(reference, id, Phase.DOWNLOAD_COMPLETE, layer.size(), layer.size()));
            }, downloads));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.forEach(f -> f.cancel(true));
            throw new ContainerEngineException("pull of " + reference + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            if (cause instanceof ContainerEngineException engineException) {
                throw engineException;
            }
            if (cause instanceof UncheckedIOException io) {
                throw new ContainerEngineException("pull of " + reference + " failed: " + io.getCause().getMessage(), io.getCause());
            }
            throw new ContainerEngineException("pull of " + reference + " failed: " + cause, cause);
        }
    }

    /**
     * An image ready to run, found by a reference (fully qualified) or its id; no {@link Image}, whose size a run
     * does not need ({@link ImageSizes}). Its unpacked layer directories bottom first.
     */
    record RunnableImage(String id, String manifestDigest, ImageConfig config, List<Path> layerDirectories, String foundBy) {
    }

    /**
     * The image a container is created from, pulled as {@code policy} says, with its layers unpacked.
     *
     * @throws ImageNotFoundException when the policy forbids a pull and the image is not stored
     */
    RunnableImage runnable(String name, ContainerSpec.PullPolicy policy, Platform platform) {
        if (FULL_ID.matcher(name).matches()) {
            // an id is never pulled: it names what is here, as dockerd reads it
            Digest image = manifestById(name).orElseThrow(() -> new ImageNotFoundException("no image with id " + name
                    + " in the local store " + settings.stateDirectory(), null, null, 0));
            return unpacked(image, null);
        }
        ImageReference reference = ImageReference.parse(name);
        if (policy != ContainerSpec.PullPolicy.ALWAYS && SHORT_ID.matcher(name).matches() && findManifest(reference).isEmpty()) {
            Optional<Digest> byId = manifestById(name);
            if (byId.isPresent()) {
                return unpacked(byId.get(), null);
            }
        }
        Optional<Digest> present = policy == ContainerSpec.PullPolicy.ALWAYS ? Optional.empty() : findManifest(reference);
        Digest image;
        if (present.isPresent()) {
            image = present.get();
        } else if (policy == ContainerSpec.PullPolicy.NEVER) {
            throw new ImageNotFoundException("image " + reference.familiar() + " is not in the local store and the pull policy is NEVER"
                    + " — pull it first ('stevedore pull " + reference.familiar() + "')", reference.registry(), reference, 0);
        } else {
            image = Digest.parse(pull(reference, platform, PullListener.NONE).manifestDigest());
        }
        return unpacked(image, reference.toString());
    }

    private RunnableImage unpacked(Digest manifestDigest, String reference) {
        StoredImage stored = stored(manifestDigest);
        String id = stored.configDigest().toString(), foundBy = reference != null ? reference : id;
        try (CrossProcessLock ignored = collector.protect()) {
            List<Path> layers = snapshots.prepare(store, stored.manifest().layers(), stored.config().diffIds(), LayerListener.NONE);
            return new RunnableImage(id, manifestDigest.toString(), stored.config().config(), layers, foundBy);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot prepare the layers of " + foundBy + ": " + e.getMessage(), e);
        }
    }

    /** The image, tagged or dangling, with id {@code id} (or a prefix); an ambiguous prefix is an IllegalArgumentException. */
    Optional<Image> findById(String id) {
        return manifestById(id).map(digest -> toImage(digest, referencesOf(digest, indexAll())));
    }

    private Optional<Digest> manifestById(String id) {
        String wanted = id.startsWith("sha256:") ? id : "sha256:" + id;
        List<Digest> matches = listed().keySet().stream().filter(d -> stored(d).configDigest().toString().startsWith(wanted)).toList();
        if (matches.stream().map(d -> stored(d).configDigest()).distinct().count() > 1) {
            throw new IllegalArgumentException("image id prefix " + id + " is ambiguous: it matches " + matches.size()
                    + " images — give more of the id");
        }
        return matches.stream().findFirst();
    }

    private static long sizeOf(List<Descriptor> layers, Digest layer) {
        return layers.stream().filter(l -> l.digest().equals(layer)).mapToLong(Descriptor::size).findFirst().orElse(0);
    }

    private void storeBytes(Digest digest, byte[] bytes) throws IOException {
        store.ingest(digest, bytes.length, out -> out.write(bytes));
    }

    /** Docker files {@code name:tag@digest} under the tag; a digest-only reference stays as it is. */
    static ImageReference withoutDigestIfTagged(ImageReference reference) {
        return reference.tag() != null && reference.digest() != null
                ? new ImageReference(reference.registry(), reference.repository(), reference.tag(), null)
                : reference;
    }

    /** Reads the index and one stored image, so that the parsing code a first lookup needs is loaded and warm. */
    void prepareForLookups() {
        indexAll().values().stream().findFirst().ifPresent(this::stored);
    }

    Optional<Image> find(ImageReference reference) {
        return findManifest(reference).map(digest -> toImage(digest, referencesOf(digest, indexAll())));
    }

    private Optional<Digest> findManifest(ImageReference reference) {
        Optional<Digest> manifest = indexGet(withoutDigestIfTagged(reference));
        if (manifest.isEmpty() && reference.digest() != null) {
            // a pull by digest of an image that is filed under its tag
            Digest wanted = Digest.parse(reference.digest());
            for (Map.Entry<ImageReference, Digest> e : indexAll().entrySet()) {
                if (e.getValue().equals(wanted)) {
                    manifest = Optional.of(wanted);
                    break;
                }
            }
        }
        return manifest;
    }

    List<Image> list() {
        List<Image> result = new ArrayList<>();
        listed().forEach((digest, refs) -> result.add(toImage(digest, refs)));
        return result;
    }

    /** The images {@code images} lists, by manifest: tagged ones and dangling ones, not the build cache's steps. */
    private Map<Digest, List<ImageReference>> listed() {
        Map<ImageReference, Digest> all = indexAll();
        Map<Digest, List<ImageReference>> byManifest = new LinkedHashMap<>();
        all.forEach((ref, digest) -> {
            if (ImageIndex.isUntagged(ref)) {
                byManifest.computeIfAbsent(digest, d -> new ArrayList<>()); // dangling: listed, named by nothing
            } else if (!ImageBuilder.isCacheReference(ref)) { // step results of builds are the build cache, not images
                byManifest.computeIfAbsent(digest, d -> new ArrayList<>()).add(ref);
            }
        });
        return byManifest;
    }

    private Map<ImageReference, Digest> indexAll() {
        try {
            return index.all();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read the image index in " + store.root().getParent()
                    + ": " + e.getMessage(), e);
        }
    }

    private Optional<Digest> indexGet(ImageReference reference) {
        try {
            return index.get(reference);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read the image index in " + store.root().getParent()
                    + ": " + e.getMessage(), e);
        }
    }

    private static List<ImageReference> referencesOf(Digest digest, Map<ImageReference, Digest> all) {
        List<ImageReference> refs = new ArrayList<>();
        all.forEach((ref, d) -> {
            if (d.equals(digest) && !ImageBuilder.isCacheReference(ref) && !ImageIndex.isUntagged(ref)) {
                refs.add(ref);
            }
        });
        return refs;
    }

    /** The history of the image {@code reference} names, newest first; empty when there is no such image. */
    Optional<List<dev.stevedore.engine.ImageHistory>> history(ImageReference reference) {
        return find(reference).map(histories::of);
    }

    /** The history of the image with id {@code id} (or a unique prefix): a dangling one's too. */
    Optional<List<dev.stevedore.engine.ImageHistory>> historyById(String id) {
        return findById(id).map(histories::of);
    }

    /** The content size of each layer of a listed image ({@link LayerSizes}), by digest. */
    Map<String, Long> layerSizes(Image image) {
        return sizes.byLayer(Digest.parse(image.manifestDigest()));
    }

    private Image toImage(Digest manifestDigest, List<ImageReference> references) {
        StoredImage stored = stored(manifestDigest);
        return new Image(references, stored.configDigest().toString(), manifestDigest.toString(),
                stored.config().platform(), stored.manifest().layers().stream().map(l -> l.digest().toString()).toList(),
                sizes.total(manifestDigest), stored.config().created(), stored.config().config(), stored.config().author(),
                stored.config().parent());
    }

    private StoredImage stored(Digest manifestDigest) {
        return parsed.computeIfAbsent(manifestDigest, digest -> {
            try {
                ImageManifest manifest = ImageManifest.parse(store.readBlob(digest), null);
                ImageConfigDocument config = ImageConfigDocument.parse(store.readBlob(manifest.config().digest()));
                return new StoredImage(manifest, manifest.config().digest(), config);
            } catch (IOException e) {
                throw damaged(digest, e);
            }
        });
    }

    private ContainerEngineException damaged(Digest image, IOException e) { // an image's blob cannot be read
        return new ContainerEngineException("the local store " + store.root() + " is damaged: image " + image
                + " cannot be read (" + e.getMessage() + ") — remove it with 'stevedore rmi' and pull again", e);
    }

    /** Removes a reference; returns false when there was none. Content no other image uses goes with it. */
    boolean remove(ImageReference reference) {
        try {
            ImageReference key = withoutDigestIfTagged(reference);
            if (!index.remove(key)) {
                return false;
            }
            collect(false);
            return true;
        } catch (IOException e) {
            throw new ContainerEngineException("removal of " + reference + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the image {@code image} under every reference it has (or, with {@code keepDangling}, only its references:
     * it stays, dangling); for a prune ({@code measure}) returns what that reclaimed as df counted it, else 0.
     */
    long removeImage(Image image, boolean keepDangling, boolean measure) {
        try {
            index.removeImage(Digest.parse(image.manifestDigest()), keepDangling);
            return collect(measure);
        } catch (IOException e) {
            throw new ContainerEngineException("removal of image " + image.id() + " failed: " + e.getMessage(), e);
        }
    }

    private long collect(boolean measure) throws IOException {
        long freed = collector.collect(measure).sizeFreed();
        parsed.keySet().retainAll(new HashSet<>(index.all().values()));
        return freed;
    }

    /** Files the image {@code source} names under {@code target} too (see {@code ContainerEngine#tag}). */
    void tag(ImageReference source, ImageReference target) {
        tag(source.familiar(), () -> find(source).orElseThrow(() -> new ImageNotFoundException("cannot tag "
                + source.familiar() + " as " + target.familiar() + ": no such image in the local store "
                + settings.stateDirectory() + " — pull it first", source.registry(), source, 0)), target);
    }

    /** {@link #tag(ImageReference, ImageReference)} of the image with id {@code id}: a dangling one is named then. */
    void tagById(String id, ImageReference target) {
        tag(id, () -> findById(id).orElseThrow(() -> new ImageNotFoundException("cannot tag " + id + " as "
                + target.familiar() + ": no image with that id in the local store " + settings.stateDirectory(),
                null, null, 0)), target);
    }

    private void tag(String source, java.util.function.Supplier<Image> lookup, ImageReference target) {
        if (target.digest() != null) {
            throw new IllegalArgumentException("cannot tag " + source + " as " + target.familiar()
                    + ": a digest names content and cannot be assigned; give a tag");
        }
        try (CrossProcessLock ignored = collector.protect()) {
            index.put(target, Digest.parse(lookup.get().manifestDigest()));
        } catch (IOException e) {
            throw new ContainerEngineException("tagging " + source + " as " + target.familiar() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Writes a docker save archive (see {@link ImageSaves#save}). */
    void save(List<ImageReference> references, List<String> ids, java.io.OutputStream out) {
        new ImageSaves(store, collector, this::find, this::findById, settings.stateDirectory()).save(references, ids, out);
    }

    /** Pushes the image {@code reference} names to its registry (see {@code ContainerEngine#push}). */
    String push(ImageReference reference, PushListener listener) {
        RegistryClient registry = registry();
        try (CrossProcessLock ignored = collector.protect()) {
            Image image = find(reference).orElseThrow(() -> new ImageNotFoundException("push of " + reference.familiar()
                    + " failed: no such image in the local store " + settings.stateDirectory() + " — tag an image as "
                    + reference.familiar() + " first ('stevedore tag')", reference.registry(), reference, 0));
            Digest manifestDigest = Digest.parse(image.manifestDigest());
            byte[] manifestBytes = store.readBlob(manifestDigest);
            List<String> mountFrom = image.references().stream()
                    .filter(r -> r.apiHost().equals(reference.apiHost()) && !r.repository().equals(reference.repository()))
                    .map(ImageReference::repository).distinct().toList();
            return registry.push(reference, manifestBytes, stored(manifestDigest).manifest(), store, mountFrom, listener,
                    downloads()).toString();
        } catch (IOException e) {
            throw new ContainerEngineException("push of " + reference + " failed: " + e.getMessage(), e);
        }
    }

    List<Image> load(Path archive) {
        try (CrossProcessLock ignored = collector.protect()) {
            // each image once, with the names the archive gave it (not the others it has here), as docker load says
            Map<Digest, List<ImageReference>> loaded = new LinkedHashMap<>();
            for (ImportedImage imported : ArchiveImporter.importArchive(archive, store)) {
                StoredImage image = stored(imported.manifestDigest());
                snapshots.prepare(store, image.manifest().layers(), image.config().diffIds(), LayerListener.NONE);
                // named by nothing: kept dangling, as dockerd loads it
                index.file(imported.reference() == null ? List.of() : List.of(imported.reference()), imported.manifestDigest());
                List<ImageReference> names = loaded.computeIfAbsent(imported.manifestDigest(), digest -> new ArrayList<>());
                if (imported.reference() != null && !names.contains(imported.reference())) {
                    names.add(imported.reference());
                }
            }
            List<Image> images = new ArrayList<>();
            loaded.forEach((digest, names) -> images.add(toImage(digest, names)));
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ContentVerificationException e) {
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (registry != null) {
            downloads.shutdownNow();
            registry.close();
        }
    }

    private record StoredImage(ImageManifest manifest, Digest configDigest, ImageConfigDocument config) {
    }
}
