package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.BuildCachePruned;
import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.layer.SnapshotStore;
import dev.stevedore.engine.internal.layer.StoreCollector;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.internal.store.ImageIndex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Function;

/**
 * The embedded engine's image builder: no daemon, the engine's own runtime runs the RUN steps, and the result is
 * stored like a pulled image. Step results are images too, filed in the image index under
 * {@code stevedore.invalid/build-cache:<key>} (a registry name that cannot resolve, hidden from image listings), so
 * the step cache is shared by every JVM on the state directory, survives them, and is guarded by the same locks and
 * collector as everything else in the store.
 */
public final class ImageBuilder {
    /** The registry part of the references step results are filed under. */
    public static final String CACHE_REGISTRY = ImageIndex.INTERNAL_REGISTRY;
    static final String CACHE_REPOSITORY = "build-cache";

    final Path stateDirectory;
    final ContentStore store;
    final ImageIndex index;
    final SnapshotStore snapshots;
    final StoreCollector collector;
    final ContainerEngine engine;
    final RunStep runs;
    final Platform platform;
    /** How a container's upper directory is read into a layer (a RUN step's, a commit's). */
    final UpperDirectoryAccess upperAccess;

    /**
     * @param engine         the engine whose containers run the RUN steps and which pulls the base images
     * @param upperDirectory the overlay upper directory of one of {@code engine}'s containers, by id
     * @param upperAccess    how an upper directory is read into a layer ({@link UpperDirectoryAccess#AS_ROOT} as root)
     */
    public ImageBuilder(Path stateDirectory, ContainerEngine engine, Function<String, Path> upperDirectory,
                        UpperDirectoryAccess upperAccess, Platform platform) {
        this.stateDirectory = stateDirectory;
        this.store = new ContentStore(stateDirectory.resolve("content"));
        this.index = new ImageIndex(stateDirectory);
        this.snapshots = new SnapshotStore(stateDirectory);
        this.collector = new StoreCollector(stateDirectory, index, store, snapshots);
        this.engine = engine;
        this.upperAccess = upperAccess;
        this.runs = new RunStep(engine, upperDirectory, upperAccess);
        this.platform = platform;
    }

    /** The lock file that guards the making of the step with cache key {@code key} (one of 256, by its first byte). */
    Path stepLock(String key) throws IOException {
        Path dir = stateDirectory.resolve("build-locks");
        Files.createDirectories(dir);
        return dir.resolve(key.substring(0, 2) + ".lock");
    }

    /** Whether {@code reference} names a step result of the build cache rather than an image a user made. */
    public static boolean isCacheReference(ImageReference reference) {
        // the registry alone is not enough: dangling images are filed there too, and they hold their layers
        return CACHE_REGISTRY.equals(reference.registry()) && CACHE_REPOSITORY.equals(reference.repository());
    }

    /** Builds what {@code spec} says (see {@code ContainerEngine#build}). */
    public Image build(BuildSpec spec, BuildListener listener) {
        // the lease keeps a prune (which would take the cache entries this build stands on) away until it is done
        try (CrossProcessLock running = CrossProcessLock.acquireShared(stateDirectory.resolve("build.lock"))) {
            // what builds that were killed left halfway (their RUN containers go when the engine opens)
            LayerWriter.deleteAbandoned(stateDirectory.resolve("tmp"));
            store.deleteAbandonedIngests();
            String text = dockerfileText(spec);
            Dockerfile dockerfile = DockerfileParser.parse(spec.dockerfile(), text);
            BuildContext context = new BuildContext(spec.contextDirectory(), spec.files(), ignore(spec));
            return new BuildRun(this, spec, listener, dockerfile, context, epoch(spec)).run();
        } catch (IOException e) {
            throw new BuildException("build of " + describe(spec) + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code ContainerEngine#commit} on the embedded engine: see {@link ContainerCommit}. */
    public Digest commit(ContainerCommit.Source source, dev.stevedore.engine.CommitSpec spec) {
        try {
            return new ContainerCommit(this).commit(source, spec);
        } catch (IOException e) {
            throw new dev.stevedore.engine.ContainerEngineException("commit of container " + source.name() + " to "
                    + (spec.reference() == null ? "an untagged image" : spec.reference().familiar()) + " failed: " + e.getMessage(), e);
        }
    }

    /** What {@code ContainerEngine#pruneBuildCache} does on the embedded engine; see the rule there. */
    public BuildCachePruned pruneCache(BuildCachePrune options) {
        try (CrossProcessLock noBuilds = CrossProcessLock.acquire(stateDirectory.resolve("build.lock"))) {
            return new CachePruner(this).prune(options);
        } catch (IOException e) {
            throw new BuildException("pruning the build cache in " + stateDirectory + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Before an image prune removes the image {@code manifest}: drops the build cache's steps of it that nothing else
     * stands on (see {@link CachePruner#dropStepsOf}), so the prune frees and reports their layers as dockerd's does.
     * While a build runs (it may stand on them) nothing is dropped; a build cache prune takes them later.
     */
    public java.util.List<String> dropStepsOf(Digest manifest) {
        try (CrossProcessLock noBuilds = CrossProcessLock.tryAcquire(stateDirectory.resolve("build.lock"))) {
            return noBuilds == null ? java.util.List.of() : new CachePruner(this).dropStepsOf(manifest);
        } catch (IOException e) {
            throw new BuildException("dropping the build steps of " + manifest + " from the cache in " + stateDirectory
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** The build cache's entries, as {@code ContainerEngine#diskUsage} lists them. */
    public java.util.List<dev.stevedore.engine.DiskUsage.BuildCacheUsage> cacheUsage() {
        try {
            return new CachePruner(this).usage();
        } catch (IOException e) {
            throw new BuildException("reading the build cache in " + stateDirectory + " failed: " + e.getMessage(), e);
        }
    }

    private static String describe(BuildSpec spec) {
        return spec.contextDirectory() != null ? spec.contextDirectory().toString() : spec.dockerfile();
    }

    private static String dockerfileText(BuildSpec spec) throws IOException {
        if (spec.dockerfileText() != null) {
            return spec.dockerfileText();
        }
        Path given = spec.files().get(spec.dockerfile());
        Path file = given != null ? given : spec.contextDirectory() == null ? null : spec.contextDirectory().resolve(spec.dockerfile());
        if (file == null || !Files.isRegularFile(file)) {
            throw new BuildException("cannot build: no Dockerfile " + spec.dockerfile() + " in the context "
                    + describe(spec) + " — give its path (-f) or its text", null, -1, java.util.List.of());
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** {@code <Dockerfile>.dockerignore} beside the Dockerfile wins over the context's {@code .dockerignore}. */
    static IgnoreMatcher ignore(BuildSpec spec) throws IOException {
        if (spec.contextDirectory() == null) {
            return IgnoreMatcher.NONE;
        }
        Path specific = spec.contextDirectory().resolve(spec.dockerfile() + ".dockerignore");
        Path general = spec.contextDirectory().resolve(".dockerignore");
        Path chosen = Files.isRegularFile(specific) ? specific : Files.isRegularFile(general) ? general : null;
        if (chosen == null) {
            return IgnoreMatcher.NONE;
        }
        try {
            return IgnoreMatcher.parse(Files.readString(chosen, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BuildException("cannot build: " + chosen + ": " + e.getMessage() + " — fix the pattern", null, -1,
                    java.util.List.of());
        }
    }

    private static Instant epoch(BuildSpec spec) {
        if (spec.sourceDateEpoch() != null) {
            return spec.sourceDateEpoch();
        }
        String env = System.getenv("SOURCE_DATE_EPOCH");
        if (env != null && env.matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(env));
        }
        return null;
    }
}
