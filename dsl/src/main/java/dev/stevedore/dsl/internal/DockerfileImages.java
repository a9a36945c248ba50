package dev.stevedore.dsl.internal;

import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images {@code Images.dockerfile} named in this JVM: the name, derived from the context and every option,
 * maps to its build; each engine builds it the first time a container of it starts there, and once only
 * (concurrent starts wait for the one build).
 */
public final class DockerfileImages {
    /** The repository the names live in: a registry name ({@code localhost}) nothing is pushed to. */
    static final String REPOSITORY_PREFIX = "localhost/stevedore-dockerfile/";
    private static final Logger LOG = LoggerFactory.getLogger(DockerfileImages.class);
    private static final ConcurrentMap<String, BuildSpec> SPECS = new ConcurrentHashMap<>();
    /** Per engine (weakly, so a closed engine is forgotten), the builds begun there by name. */
    private static final Map<ContainerEngine, ConcurrentMap<String, CompletableFuture<Void>>> BUILDS = new WeakHashMap<>();

    private DockerfileImages() {
    }

    /** Files {@code spec} under its name and returns that name. */
    public static String register(BuildSpec spec) {
        String name = name(spec);
        BuildSpec tagged = new BuildSpec(spec.contextDirectory(), spec.files(), spec.dockerfile(), spec.dockerfileText(),
                spec.buildArgs(), spec.target(), with(spec, name), spec.labels(), spec.noCache(), spec.pullPolicy(),
                spec.platform(), spec.sourceDateEpoch(), spec.networkMode(), spec.extraHosts());
        SPECS.putIfAbsent(name, tagged);
        return name;
    }

    /** Whether {@code image} is a name {@link #register} gave out (so there is nothing to pull). */
    public static boolean isBuilt(String image) {
        return SPECS.containsKey(image);
    }

    /**
     * Builds {@code image} on {@code engine} unless that happened already in this JVM; does nothing for an image
     * name that is not one of these.
     *
     * @throws dev.stevedore.engine.BuildException when the build fails (a later start tries again)
     */
    public static void ensureBuilt(ContainerEngine engine, String image) {
        BuildSpec spec = SPECS.get(image);
        if (spec == null) {
            return;
        }
        ConcurrentMap<String, CompletableFuture<Void>> builds;
        synchronized (BUILDS) {
            builds = BUILDS.computeIfAbsent(engine, e -> new ConcurrentHashMap<>());
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> build = builds.putIfAbsent(image, mine);
        if (build == null) {
            try {
                LOG.info("building {} from {}", image, spec.contextDirectory());
                Optional<String> before = engine.image(ImageReference.parse(image)).map(Image::id);
                String built = engine.build(spec, DockerfileImages::log).id();
                before.filter(old -> !old.equals(built)).ifPresent(old -> removeReplaced(engine, old, image));
                mine.complete(null);
            } catch (RuntimeException | Error e) {
                builds.remove(image, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            return;
        }
        try {
            build.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * The image an earlier run (another JVM, or this name's context since edited) built under {@code image}: the name
     * moved to the new build and left it dangling, kept until pruned as docker keeps it. Nobody named it but this name,
     * so it goes, unless something still holds it (a container made from it, a tag of the user's).
     */
    private static void removeReplaced(ContainerEngine engine, String old, String image) {
        try {
            if (engine.images().stream().anyMatch(i -> i.id().equals(old) && i.dangling())) {
                engine.removeImageById(old, false);
            }
        } catch (RuntimeException e) {
            LOG.debug("the image {} replaced under {} stays: {}", old, image, e.toString());
        }
    }

    private static void log(BuildEvent event) {
        if (event.kind() == BuildEvent.Kind.STEP) {
            LOG.debug("step {}/{}: {}", event.step(), event.steps(), event.text());
        }
    }

    private static java.util.List<ImageReference> with(BuildSpec spec, String name) {
        java.util.List<ImageReference> tags = new java.util.ArrayList<>(spec.tags());
        tags.add(ImageReference.parse(name));
        return tags;
    }

    /** {@code localhost/stevedore-dockerfile/<directory>:<hash of the context and every option>}. */
    static String name(BuildSpec spec) {
        String key = String.join("\n", String.valueOf(spec.contextDirectory()), String.valueOf(new TreeMap<>(spec.files())),
                spec.dockerfile(), String.valueOf(spec.dockerfileText()), String.valueOf(new TreeMap<>(spec.buildArgs())),
                String.valueOf(spec.target()), String.valueOf(spec.tags()), String.valueOf(new TreeMap<>(spec.labels())),
                String.valueOf(spec.noCache()), String.valueOf(spec.pullPolicy()), String.valueOf(spec.platform()),
                String.valueOf(spec.sourceDateEpoch()));
        if (!spec.networkMode().equals("default") || !spec.extraHosts().isEmpty()) { // a default spec keeps its old name
            key += "\n" + spec.networkMode() + "\n" + spec.extraHosts();
        }
        String directory = Optional.ofNullable(spec.contextDirectory()).map(p -> p.getFileName()).map(Object::toString)
                .orElse("files").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return REPOSITORY_PREFIX + (directory.isEmpty() ? "context" : directory) + ":" + sha256(key).substring(0, 16);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
