package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullListener;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ContainerEngine} that keeps images in maps, for testing the command line's own logic. Its
 * "registry" is a map of what {@link #pull} returns; pulls report progress from several threads the way a
 * real engine does.
 */
class InMemoryEngine implements ContainerEngine {
    private final Map<ImageReference, Image> registry = new LinkedHashMap<>();
    private final Map<ImageReference, Image> local = new LinkedHashMap<>();
    private final Set<String> blobs = new HashSet<>();
    final List<PullOptions> pulls = new ArrayList<>();
    List<Image> loadable = List.of();
    Path loadedFrom;
    EngineSettings settings;
    boolean closed;

    /** An image with layers of the given sizes; digests derive from {@code seed}. */
    static Image image(String seed, Instant created, long... layerSizes) {
        List<String> layers = new ArrayList<>();
        long size = 0;
        for (int i = 0; i < layerSizes.length; i++) {
            layers.add(digest(seed + "-layer-" + i));
            size += layerSizes[i];
        }
        return new Image(List.of(), digest(seed + "-config"), digest(seed + "-manifest"), new Platform("linux", "amd64", ""),
                layers, size, created, ImageConfig.empty());
    }

    static String digest(String seed) {
        StringBuilder hex = new StringBuilder("sha256:");
        int hash = seed.hashCode();
        while (hex.length() < "sha256:".length() + 64) {
            hash = hash * 31 + 17;
            hex.append(String.format("%08x", hash));
        }
        return hex.substring(0, "sha256:".length() + 64);
    }

    InMemoryEngine publish(String reference, Image image) {
        registry.put(ImageReference.parse(reference), image);
        return this;
    }

    InMemoryEngine store(String reference, Image image) {
        local.put(ImageReference.parse(reference), image);
        blobs.addAll(image.layers());
        return this;
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options) {
        pulls.add(options);
        Image image = registry.get(reference);
        if (image == null) {
            throw new ImageNotFoundException("pull of " + reference + " from " + reference.apiHost()
                    + " failed: 404 Not Found — check the name and tag", reference.apiHost(), reference, 404);
        }
        PullListener listener = options.listener();
        listener.onProgress(new PullProgress(reference, image.manifestDigest(), Phase.RESOLVED, 0, image.layers().size()));
        List<String> pending = new ArrayList<>(image.layers());
        pending.add(0, image.id());
        ExecutorService downloads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String blob : pending) {
                boolean layer = !blob.equals(image.id());
                long total = layer ? image.size() / image.layers().size() : 1_500;
                listener.onProgress(new PullProgress(reference, blob, Phase.WAITING, 0, total));
                done.add(downloads.submit(() -> transfer(reference, blob, layer, total, listener)));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            downloads.shutdownNow();
        }
        blobs.addAll(image.layers());
        local.put(reference, image);
        listener.onProgress(new PullProgress(reference, image.manifestDigest(), Phase.COMPLETE, 0, 0));
        return withReferences(image);
    }

    private void transfer(ImageReference reference, String blob, boolean layer, long total, PullListener listener) {
        boolean present;
        synchronized (this) {
            present = blobs.contains(blob);
        }
        if (present) {
            listener.onProgress(new PullProgress(reference, blob, Phase.ALREADY_EXISTS, 0, total));
            return;
        }
        for (int step = 1; step <= 40; step++) {
            listener.onProgress(new PullProgress(reference, blob, Phase.DOWNLOADING, total * step / 40, total));
        }
        listener.onProgress(new PullProgress(reference, blob, Phase.DOWNLOAD_COMPLETE, total, total));
        if (layer) {
            for (int step = 1; step <= 10; step++) {
                listener.onProgress(new PullProgress(reference, blob, Phase.EXTRACTING, total * step / 10, total));
            }
            listener.onProgress(new PullProgress(reference, blob, Phase.PULL_COMPLETE, total, total));
        }
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        return Optional.ofNullable(local.get(reference)).map(this::withReferences);
    }

    @Override
    public List<Image> images() {
        Map<String, Image> byId = new LinkedHashMap<>();
        local.values().forEach(image -> byId.putIfAbsent(image.id(), withReferences(image)));
        return List.copyOf(byId.values());
    }

    private Image withReferences(Image image) {
        List<ImageReference> references = local.entrySet().stream()
                .filter(entry -> entry.getValue().id().equals(image.id())).map(Map.Entry::getKey).toList();
        return new Image(references, image.id(), image.manifestDigest(), image.platform(), image.layers(), image.size(),
                image.created(), image.config());
    }

    @Override
    public void removeImage(ImageReference reference) {
        if (local.remove(reference) == null) {
            throw new ImageNotFoundException("no local image " + reference, reference.registry(), reference, 0);
        }
    }

    @Override
    public List<Image> load(Path archive) {
        loadedFrom = archive;
        List<Image> loaded = new ArrayList<>();
        for (Image image : loadable) {
            image.references().forEach(reference -> local.put(reference, image));
            loaded.add(image);
        }
        return loaded;
    }

    @Override
    public void close() {
        closed = true;
    }
}
