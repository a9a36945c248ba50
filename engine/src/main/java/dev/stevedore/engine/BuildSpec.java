package dev.stevedore.engine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ContainerEngine#build} builds: a context (a directory, and/or files given one by one), the
 * Dockerfile (a path in the context, or its text), build args, the target stage, the references to tag the
 * result with, labels, and how to treat the cache and the base images.
 *
 * @param contextDirectory the context directory, or {@code null} when the context is only {@code files}
 * @param files            context files given one by one: path in the context → file on disk (added over the directory)
 * @param dockerfile       the Dockerfile's path in the context ({@code Dockerfile} when null)
 * @param dockerfileText   the Dockerfile's text; when set, {@code dockerfile} only names it in messages
 * @param buildArgs        values for {@code ARG}s
 * @param target           the stage to build (its name or index), {@code null} for the last one
 * @param tags             references the image is tagged with when the build succeeds
 * @param labels           labels added to the image
 * @param noCache          rebuild every step, using no cached one
 * @param pullPolicy       when base images are pulled ({@code ALWAYS}: {@code --pull})
 * @param platform         the platform to build for, {@code null} for the engine's
 * @param sourceDateEpoch  the time written into the image (history, config, file times past it are clamped),
 *                         making equal inputs give equal digests; {@code null}: {@code SOURCE_DATE_EPOCH} of the
 *                         environment when set, else now
 * @param networkMode      the network of the RUN steps that name none ({@code RUN --network} still wins):
 *                         {@code default} (the engine's default bridge; also for {@code null}), {@code none} or
 *                         {@code host}, as {@code docker build --network}
 * @param extraHosts       {@code name:address} lines ({@link ExtraHost}) added to each RUN step's {@code /etc/hosts},
 *                         as {@code docker build --add-host}
 */
public record BuildSpec(Path contextDirectory, Map<String, Path> files, String dockerfile, String dockerfileText,
                        Map<String, String> buildArgs, String target, List<ImageReference> tags, Map<String, String> labels,
                        boolean noCache, ContainerSpec.PullPolicy pullPolicy, Platform platform, Instant sourceDateEpoch,
                        String networkMode, List<String> extraHosts) {
    /** The network modes a build's RUN steps can have, as {@code docker build --network} names them. */
    public static final List<String> NETWORK_MODES = List.of("default", "none", "host");

    public BuildSpec {
        networkMode = networkMode == null || networkMode.isEmpty() ? "default" : networkMode;
        if (!NETWORK_MODES.contains(networkMode)) {
            throw new IllegalArgumentException("network mode \"" + networkMode + "\" is not supported for a build: its"
                    + " RUN steps take one of " + String.join(", ", NETWORK_MODES));
        }
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        extraHosts.forEach(ExtraHost::parse);
        files = Map.copyOf(files);
        dockerfile = dockerfile == null ? "Dockerfile" : dockerfile;
        buildArgs = Map.copyOf(buildArgs);
        tags = List.copyOf(tags);
        labels = Map.copyOf(labels);
        pullPolicy = pullPolicy == null ? ContainerSpec.PullPolicy.MISSING : pullPolicy;
        if (contextDirectory == null && files.isEmpty() && dockerfileText == null) {
            throw new IllegalArgumentException("a build needs a context directory, context files or a Dockerfile's text");
        }
    }

    /** A builder for a build of the context directory {@code context}. */
    public static Builder builder(Path context) {
        return new Builder(Objects.requireNonNull(context, "context"));
    }

    /** A builder for a build whose context is given file by file ({@link Builder#file}), or none at all. */
    public static Builder builder() {
        return new Builder(null);
    }

    /** Collects a {@link BuildSpec}; not thread-safe. */
    public static final class Builder {
        private final Path context;
        private final Map<String, Path> files = new LinkedHashMap<>();
        private String dockerfile;
        private String dockerfileText;
        private final Map<String, String> buildArgs = new LinkedHashMap<>();
        private String target;
        private final List<ImageReference> tags = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private boolean noCache;
        private ContainerSpec.PullPolicy pullPolicy;
        private Platform platform;
        private Instant sourceDateEpoch;
        private String networkMode;
        private final List<String> extraHosts = new ArrayList<>();

        private Builder(Path context) {
            this.context = context;
        }

        /** Adds {@code file} to the context as {@code contextPath}. */
        public Builder file(String contextPath, Path file) { files.put(contextPath, file); return this; }
        /** The Dockerfile's path in the context. */
        public Builder dockerfile(String contextPath) { this.dockerfile = contextPath; return this; }
        /** The Dockerfile's text (instead of a file in the context). */
        public Builder dockerfileText(String text) { this.dockerfileText = text; return this; }
        public Builder buildArg(String name, String value) { buildArgs.put(name, value); return this; }
        public Builder target(String stage) { this.target = stage; return this; }
        public Builder tag(String reference) { tags.add(ImageReference.parse(reference)); return this; }
        public Builder tag(ImageReference reference) { tags.add(reference); return this; }
        public Builder label(String key, String value) { labels.put(key, value); return this; }
        public Builder noCache(boolean value) { this.noCache = value; return this; }
        public Builder pullPolicy(ContainerSpec.PullPolicy value) { this.pullPolicy = value; return this; }
        public Builder platform(Platform value) { this.platform = value; return this; }
        public Builder sourceDateEpoch(Instant value) { this.sourceDateEpoch = value; return this; }
        /** The RUN steps' network: {@code default}, {@code none} or {@code host} ({@code docker build --network}). */
        public Builder networkMode(String value) { this.networkMode = value; return this; }
        /** A {@code name:address} line for the RUN steps' {@code /etc/hosts} ({@code docker build --add-host}). */
        public Builder extraHost(String nameColonAddress) {
            this.extraHosts.add(Objects.requireNonNull(nameColonAddress, "extraHost"));
            return this;
        }

        public BuildSpec build() {
            return new BuildSpec(context, files, dockerfile, dockerfileText, buildArgs, target, tags, labels, noCache,
                    pullPolicy, platform, sourceDateEpoch, networkMode, extraHosts);
        }
    }
}
