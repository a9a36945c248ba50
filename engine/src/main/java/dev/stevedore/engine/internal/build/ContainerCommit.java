package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.layer.UpperDirectory;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code docker commit} on the embedded engine: the container's image with its upper directory as one more layer,
 * written by the build's {@link LayerWriter} as a RUN step's is, its config as the image's, {@code --change}
 * instructions applied by the build's {@link ConfigSteps}, and the history entry dockerd writes (the container's
 * command as CREATED BY, the comment, {@code empty_layer} when nothing changed) and the container's image as the
 * new one's {@code parent}.
 */
public final class ContainerCommit {
    /** The instructions {@code docker commit --change} takes. */
    private static final Set<String> CHANGES = Set.of("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "USER", "WORKDIR",
            "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD");
    /** The DiffID of a tar with no entries: dockerd records such a layer as an empty step, not as a layer. */
    private static final Digest EMPTY_LAYER =
            Digest.parse("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");

    /**
     * The container as a commit reads it.
     *
     * @param manifestDigest the manifest of the container's image
     * @param upper          its overlay upper directory
     * @param spec           what it was created with
     * @param env            its environment (the image's with the spec's on top)
     * @param labels         its labels (the image's with the spec's on top)
     */
    public record Source(String name, String manifestDigest, Path upper, ContainerSpec spec, List<String> env,
                         Map<String, String> labels) {
    }

    private final ImageBuilder builder;

    public ContainerCommit(ImageBuilder builder) {
        this.builder = builder;
    }

    /**
     * Writes the image and files it under the spec's reference.
     *
     * @return the new image's manifest digest
     * @throws IllegalArgumentException when a change is not an instruction commit takes, or is malformed
     */
    public Digest commit(Source source, CommitSpec spec) throws IOException {
        Digest sourceManifest = Digest.parse(source.manifestDigest());
        ImageState state = ImageState.load(builder.store, sourceManifest);
        state.parent(ImageManifest.parse(builder.store.readBlob(sourceManifest), null).config().digest());
        String createdBy = containerConfig(state, source);
        for (String change : spec.changes()) {
            change(state, change);
        }
        LayerWriter layer = new LayerWriter(builder.stateDirectory.resolve("tmp"), null);
        try (CrossProcessLock ignored = builder.collector.protect()) {
            if (Files.isDirectory(source.upper())) {
                layer.upperDirectory(source.upper(), UpperDirectory.RUNTIME_FILES, builder.upperAccess);
            }
            Descriptor stored = layer.store(builder.store);
            Instant now = Instant.now(); // to the microsecond, as dockerd's commit: two commits in one second keep their order
            state.addStep(stored.digest().equals(EMPTY_LAYER) ? null : stored, createdBy, now,
                    spec.comment().isEmpty() ? null : spec.comment());
            if (!spec.author().isEmpty()) {
                state.author(spec.author());
            }
            Digest digest = state.commit(builder.store);
            builder.index.file(spec.reference() == null ? List.of() : List.of(spec.reference()), digest);
            return digest;
        } finally {
            layer.close();
        }
    }

    /** The container's config as the image's, as dockerd's commit takes it; returns its command, joined, for history. */
    private static String containerConfig(ImageState state, Source source) {
        ContainerSpec spec = source.spec();
        if (spec.entrypoint() != null) {
            state.setList("Entrypoint", spec.entrypoint());
            if (spec.cmd() == null) {
                state.runConfig().putNull("Cmd"); // an entrypoint given at create drops the image's command
            }
        }
        if (spec.cmd() != null) {
            state.setList("Cmd", spec.cmd());
        }
        state.setList("Env", source.env());
        if (!source.labels().isEmpty()) {
            source.labels().forEach((key, value) -> state.object("Labels").put(key, value));
        }
        if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
            state.runConfig().put("WorkingDir", spec.workingDir());
        }
        if (spec.user() != null && !spec.user().isEmpty()) {
            state.runConfig().put("User", spec.user());
        }
        return String.join(" ", state.list("Cmd"));
    }

    private static void change(ImageState state, String change) {
        String file = "--change";
        Instruction instruction;
        try {
            instruction = DockerfileParser.trigger(file, 1, change.strip(), '\\');
        } catch (DockerfileException e) {
            throw new IllegalArgumentException("commit change \"" + change + "\": " + e.getMessage(), e);
        }
        String keyword = instruction.keyword().toUpperCase(Locale.ROOT);
        if (!CHANGES.contains(keyword)) {
            // dockerd's words, so a client sees the same refusal from either engine
            throw new IllegalArgumentException("commit change \"" + change + "\": " + keyword.toLowerCase(Locale.ROOT)
                    + " is not a valid change command; commit takes " + String.join(", ", CHANGES.stream().sorted().toList()));
        }
        Map<String, String> variables = new HashMap<>();
        for (String entry : state.env()) {
            int eq = entry.indexOf('=');
            variables.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        ShellLex lex = new ShellLex('\\', variables);
        try {
            if (keyword.equals("WORKDIR")) {
                String directory = lex.word(instruction.args());
                String current = state.text("WorkingDir");
                state.runConfig().put("WorkingDir", directory.startsWith("/") ? directory
                        : Path.of(current.isEmpty() ? "/" : current).resolve(directory).normalize().toString());
                return;
            }
            ConfigSteps.apply(state, instruction, lex, new ConfigSteps.StageFlags(), file);
        } catch (DockerfileException e) {
            throw new IllegalArgumentException("commit change \"" + change + "\": " + e.getMessage(), e);
        }
    }
}
