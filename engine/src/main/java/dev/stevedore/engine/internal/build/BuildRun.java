package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.layer.LayerListener;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One build: the stages the target needs, step by step, each step looked up in the cache by a key of its parent
 * image, its instruction as substituted, the build args it uses and (COPY/ADD) its sources' hash, and otherwise
 * executed and filed in the cache.
 *
 * <p>The step loop with its cache look-up, the cross-process step lock and the per-kind dispatch; the instructions
 * with work of their own are {@link RunInstruction} and {@link CopyInstruction}, the steps themselves {@link RunStep},
 * {@link CopyStep} and {@link ConfigSteps}.
 */
final class BuildRun {
    /** Build args every build knows (proxies): never reported unused, never part of a RUN's cache key. */
    static final Set<String> PREDEFINED_ARGS = Set.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
            "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

    private final ImageBuilder builder;
    private final BuildSpec spec;
    private final BuildListener listener;
    private final Dockerfile dockerfile;
    private final BuildContext context;
    private final Instant epoch;
    private final Instant now;
    private final Platform platform;
    private final Map<Integer, StageRun> done = new HashMap<>();
    private final Set<String> usedArgs = new java.util.HashSet<>();
    private int step;
    private int steps;
    private Stages stages;
    private int current;

    /** A stage being built: its image so far, the manifest that image is, and the reference it is filed under. */
    static final class StageRun {
        ImageState state;
        Digest digest;
        ImageReference reference;
        final Map<String, String> args = new LinkedHashMap<>();
        final ConfigSteps.StageFlags flags = new ConfigSteps.StageFlags();
    }

    BuildRun(ImageBuilder builder, BuildSpec spec, BuildListener listener, Dockerfile dockerfile, BuildContext context,
             Instant epoch) {
        this.builder = builder;
        this.spec = spec;
        this.listener = listener;
        this.dockerfile = dockerfile;
        this.context = context;
        this.epoch = epoch;
        this.now = epoch != null ? epoch : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        this.platform = spec.platform() != null ? spec.platform() : builder.platform;
    }

    Image run() throws IOException {
        BuildPlatforms.requireNative(platform, builder.platform);
        stages = Stages.of(dockerfile, spec.buildArgs());
        int target = stages.target(spec.target());
        Set<Integer> needed = stages.needed(target, dockerfile.escape());
        for (int index : needed) {
            steps += 1 + stages.all.get(index).instructions().size();
        }
        steps += spec.labels().isEmpty() ? 0 : 1;
        steps += stages.globalArgs.size();
        usedArgs.addAll(stages.globals.keySet());
        stages.globalArgs.forEach(this::announce); // they are steps to Docker too, though they change no image
        for (int index : needed) {
            Stages.Stage stage = stages.all.get(index);
            current = index;
            StageRun run = from(stages, stage);
            for (Instruction instruction : stage.instructions()) {
                instruction(run, instruction, stages);
            }
            if (index == target && !spec.labels().isEmpty()) {
                labels(run);
            }
            done.put(index, run);
        }
        List<String> unused = spec.buildArgs().keySet().stream().filter(a -> !usedArgs.contains(a) && !PREDEFINED_ARGS.contains(a))
                .sorted().toList();
        if (!unused.isEmpty()) {
            output("[Warning] One or more build-args " + unused + " were not consumed");
        }
        StageRun result = done.get(target);
        try (CrossProcessLock ignored = builder.collector.protect()) {
            builder.index.file(spec.tags(), result.digest); // without -t: kept dangling, found by its id
        }
        Image image = builder.engine.image(result.reference).orElseThrow();
        Image built = new Image(spec.tags(), image.id(), image.manifestDigest(), image.platform(), image.layers(), image.size(),
                image.created(), image.config(), image.author());
        listener.onEvent(new BuildEvent(BuildEvent.Kind.BUILT, 0, steps, image.id()));
        spec.tags().forEach(t -> listener.onEvent(new BuildEvent(BuildEvent.Kind.TAGGED, 0, steps, t.familiar())));
        return built;
    }

    // ---- FROM ---------------------------------------------------------------------------------------

    private StageRun from(Stages stages, Stages.Stage stage) throws IOException {
        Instruction from = stage.from();
        announce(from);
        String base = stages.base(stage, dockerfile.escape());
        StageRun run = new StageRun();
        int source = stages.find(base, stage.index());
        if (source >= 0) {
            StageRun parent = done.get(source);
            run.state = parent.state.copy();
            run.digest = parent.digest;
            run.reference = parent.reference;
            result(imageId(run.digest));
            triggers(run, from, stages);
            return run;
        }
        Platform wanted = BuildPlatforms.of(from, stages.globals, dockerfile, platform);
        if (base.equalsIgnoreCase("scratch")) {
            run.state = ImageState.scratch(wanted);
            run.digest = null;
            resolve(run, "FROM scratch " + wanted, null, state -> null, "FROM scratch " + wanted);
            result(""); // dockerd's classic builder names no image for scratch either
            return run;
        }
        ImageReference reference = parse(base, from);
        Image image = baseImage(reference, wanted);
        run.digest = Digest.parse(image.manifestDigest());
        run.state = ImageState.load(builder.store, run.digest);
        run.reference = reference.tag() == null && reference.digest() == null
                ? new ImageReference(reference.registry(), reference.repository(), "latest", null) : reference;
        result(image.id());
        triggers(run, from, stages);
        return run;
    }

    /**
     * Runs the ONBUILD triggers of the stage's base right after its FROM, as Docker does; the stage's image does not
     * keep them, so they fire once, for the image built directly on the one that declared them.
     */
    private void triggers(StageRun run, Instruction from, Stages stages) throws IOException {
        List<String> triggers = run.state.list("OnBuild");
        if (triggers.isEmpty()) {
            return;
        }
        run.state.runConfig().remove("OnBuild");
        steps += triggers.size();
        output("# Executing " + triggers.size() + " build trigger" + (triggers.size() == 1 ? "" : "s"));
        for (String trigger : triggers) {
            instruction(run, DockerfileParser.trigger(dockerfile.file(), from.line(), trigger, dockerfile.escape()), stages);
        }
    }

    private Image baseImage(ImageReference reference, Platform wanted) {
        ContainerSpec.PullPolicy policy = spec.pullPolicy();
        Optional<Image> present = policy == ContainerSpec.PullPolicy.ALWAYS ? Optional.empty() : builder.engine.image(reference);
        if (present.isPresent()) {
            return present.get();
        }
        if (policy == ContainerSpec.PullPolicy.NEVER) {
            throw new BuildException("base image " + reference.familiar() + " is not in the local store and the pull policy is NEVER"
                    + " — pull it first", null, -1, List.of());
        }
        output("pulling " + reference.familiar());
        return builder.engine.pull(reference, PullOptions.defaults().withPlatform(wanted));
    }

    private ImageReference parse(String text, Instruction instruction) {
        try {
            return ImageReference.parse(text);
        } catch (RuntimeException e) {
            throw new DockerfileException(dockerfile.file(), instruction.line(), instruction.original(), e.getMessage());
        }
    }

    // ---- the other instructions ---------------------------------------------------------------------

    private void instruction(StageRun run, Instruction instruction, Stages stages) throws IOException {
        announce(instruction);
        ShellLex lex = new ShellLex(dockerfile.escape(), variables(run));
        try {
            switch (instruction.keyword()) {
                case "ARG" -> arg(run, instruction, lex, stages);
                case "RUN" -> new RunInstruction(this, instruction).execute(run);
                case "COPY", "ADD" -> new CopyInstruction(this, instruction, lex).execute(run);
                case "WORKDIR" -> workdir(run, instruction, lex);
                default -> {
                    ImageState probe = run.state.copy();
                    String history = ConfigSteps.apply(probe, instruction, lex, new ConfigSteps.StageFlags(), dockerfile.file());
                    step(run, history, null, state -> {
                        ConfigSteps.apply(state, instruction, lex, run.flags, dockerfile.file());
                        return null;
                    }, history);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new DockerfileException(dockerfile.file(), instruction.line(), instruction.original(), e.getMessage());
        }
    }

    private Map<String, String> variables(StageRun run) {
        Map<String, String> vars = new HashMap<>();
        run.args.forEach((k, v) -> {
            if (v != null) {
                vars.put(k, v);
            }
        });
        for (String e : run.state.env()) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                vars.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return vars;
    }

    private void arg(StageRun run, Instruction instruction, ShellLex lex, Stages stages) throws IOException {
        StringBuilder history = new StringBuilder("ARG");
        for (String word : lex.words(instruction.args())) {
            int eq = word.indexOf('=');
            String name = eq < 0 ? word : word.substring(0, eq);
            String value = spec.buildArgs().containsKey(name) ? spec.buildArgs().get(name)
                    : eq >= 0 ? word.substring(eq + 1) : stages.globals.get(name);
            run.args.put(name, value);
            usedArgs.add(name);
            history.append(' ').append(word);
        }
        step(run, history.toString(), null, state -> null);
    }

    private void workdir(StageRun run, Instruction instruction, ShellLex lex) throws IOException {
        String dir = lex.word(instruction.args());
        String current = run.state.text("WorkingDir");
        String absolute = IgnoreMatcher.clean(dir.startsWith("/") ? dir : (current.isEmpty() ? "/" : current) + "/" + dir);
        boolean exists = absolute.equals("/") || rootView(run.state).isDirectory(absolute);
        step(run, "WORKDIR " + absolute, null, state -> {
            state.runConfig().put("WorkingDir", absolute);
            if (exists) {
                return null;
            }
            // Docker makes a missing working directory at once, in a layer of its own
            LayerWriter layer = newLayer();
            new CopyStep(layer, rootView(run.state), null, null, now).parents(absolute + "/x");
            return layer;
        });
    }

    private void labels(StageRun run) throws IOException {
        step++;
        StringBuilder history = new StringBuilder("LABEL");
        new TreeMap<>(spec.labels()).forEach((k, v) -> history.append(' ').append(k).append('=').append(v));
        listener.onEvent(new BuildEvent(BuildEvent.Kind.STEP, step, steps, history.toString()));
        step(run, history.toString(), null, state -> {
            spec.labels().forEach((k, v) -> state.object("Labels").put(k, v));
            return null;
        });
    }

    // ---- steps and the cache ------------------------------------------------------------------------

    /** What a step does to a copy of the stage's image; returns the layer it made, or {@code null}. */
    interface Body {
        LayerWriter apply(ImageState state) throws IOException;
    }

    void step(StageRun run, String description, String sources, Body body) throws IOException {
        step(run, description, sources, body, description);
    }

    /**
     * Runs one step through the cache. {@code description} is everything that decides the step's result besides its
     * parent ({@code sources}: the hash of its source files); {@code history} is what the image's history says.
     */
    void step(StageRun run, String description, String sources, Body body, String history) throws IOException {
        if (resolve(run, description, sources, body, history)) {
            listener.onEvent(new BuildEvent(BuildEvent.Kind.CACHED, step, steps, ""));
        }
        result(imageId(run.digest));
    }

    /** {@link #step} without its events; returns whether the cache had the step's result. */
    private boolean resolve(StageRun run, String description, String sources, Body body, String history) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new BuildException("step " + step + ": the build was interrupted", null, -1, List.of());
        }
        String key = HexFormat.of().formatHex(Digest.sha256().digest((String.valueOf(run.digest) + "\n" + platform + "\n"
                + description + "\n" + (sources == null ? "" : sources)).getBytes(StandardCharsets.UTF_8)));
        ImageReference cacheReference = new ImageReference(ImageBuilder.CACHE_REGISTRY, ImageBuilder.CACHE_REPOSITORY, key, null);
        if (spec.noCache()) {
            execute(run, cacheReference, body, history);
            return false;
        }
        if (reuse(run, cacheReference)) {
            return true;
        }
        // Another build (in this JVM or another) may be making this very step: wait for it and reuse its result
        // rather than make a second, different one. Keys share 256 lock files, so a few unrelated steps wait too.
        try (CrossProcessLock ignored = CrossProcessLock.acquire(builder.stepLock(key))) {
            if (reuse(run, cacheReference)) {
                return true;
            }
            execute(run, cacheReference, body, history);
            return false;
        }
    }

    private boolean reuse(StageRun run, ImageReference cacheReference) throws IOException {
        Optional<Digest> hit = builder.index.get(cacheReference).filter(this::complete);
        if (hit.isEmpty()) {
            return false;
        }
        run.state = ImageState.load(builder.store, hit.get());
        run.digest = hit.get();
        run.reference = cacheReference;
        CachePruner.touch(builder.stateDirectory, cacheReference.tag());
        return true;
    }

    private void execute(StageRun run, ImageReference cacheReference, Body body, String history) throws IOException {
        ImageState next = run.state.copy();
        LayerWriter layer = body.apply(next);
        try (CrossProcessLock ignored = builder.collector.protect()) {
            Descriptor stored = layer == null ? null : layer.store(builder.store);
            next.addStep(stored, history, now, null);
            Digest digest = next.commit(builder.store);
            builder.index.put(cacheReference, digest);
            CachePruner.touch(builder.stateDirectory, cacheReference.tag());
            run.state = next;
            run.digest = digest;
            run.reference = cacheReference;
        } finally {
            if (layer != null) {
                layer.close();
            }
        }
    }

    /** The image id (its config's digest) of the image stored under {@code manifestDigest}. */
    private String imageId(Digest manifestDigest) throws IOException {
        return ImageManifest.parse(builder.store.readBlob(manifestDigest), null).config().digest().toString();
    }

    private void result(String imageId) {
        listener.onEvent(new BuildEvent(BuildEvent.Kind.RESULT, step, steps, imageId));
    }

    /** Whether every blob of a cached step result is still in the store (a collection may have freed some). */
    private boolean complete(Digest manifestDigest) {
        try {
            if (!builder.store.hasBlob(manifestDigest)) {
                return false;
            }
            ImageManifest manifest = ImageManifest.parse(builder.store.readBlob(manifestDigest), null);
            return builder.store.hasBlob(manifest.config().digest())
                    && manifest.layers().stream().allMatch(l -> builder.store.hasBlob(l.digest()));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---- helpers shared with COPY/ADD ---------------------------------------------------------------

    LayerWriter newLayer() throws IOException {
        return new LayerWriter(builder.stateDirectory.resolve("tmp"), epoch);
    }

    RootView rootView(ImageState state) throws IOException {
        try (CrossProcessLock ignored = builder.collector.protect()) {
            return new RootView(builder.snapshots.prepare(builder.store, state.layers(), state.diffIds(), LayerListener.NONE));
        }
    }

    Instant now() {
        return now;
    }

    /** What the build asks of every RUN step: the network (when the step names none) and extra hosts. */
    BuildSpec spec() {
        return spec;
    }

    BuildContext context() {
        return context;
    }

    String file() {
        return dockerfile.file();
    }

    char escape() {
        return dockerfile.escape();
    }

    ImageBuilder builder() {
        return builder;
    }

    /** The stage {@code --from} names among those built before the current one, or {@code null} when it names an image. */
    StageRun stage(String name) {
        int index = stages.find(name, current);
        return index < 0 ? null : done.get(index);
    }

    /** A tar of {@code path} in the image {@code reference} names, read through a created (never started) container. */
    void copyFrom(ImageReference reference, String path, TarReader reader) throws IOException {
        String id = builder.engine.createContainer(ContainerSpec.builder(reference.toString())
                .label(RunStep.LABEL, "copy").pullPolicy(ContainerSpec.PullPolicy.NEVER).entrypoint("/").build()).id();
        try (InputStream tar = builder.engine.copyFromContainer(id, path)) {
            reader.read(tar);
        } finally {
            builder.engine.removeContainer(id, true);
        }
    }

    /** Reads a tar stream. */
    interface TarReader {
        void read(InputStream tar) throws IOException;
    }

    void output(String line) {
        listener.onEvent(new BuildEvent(BuildEvent.Kind.OUTPUT, step, steps, line));
    }

    /** What the current step's container does, as events: it runs, it prints, it is removed. */
    RunStep.Progress progress() {
        return new RunStep.Progress() {
            @Override
            public void running(String containerId) {
                listener.onEvent(new BuildEvent(BuildEvent.Kind.RUNNING, step, steps, containerId));
            }

            @Override
            public void output(String line) {
                BuildRun.this.output(line);
            }

            @Override
            public void removed(String containerId) {
                listener.onEvent(new BuildEvent(BuildEvent.Kind.REMOVED, step, steps, containerId));
            }
        };
    }

    private void announce(Instruction instruction) {
        step++;
        listener.onEvent(new BuildEvent(BuildEvent.Kind.STEP, step, steps, instruction.original().strip()));
    }
}
