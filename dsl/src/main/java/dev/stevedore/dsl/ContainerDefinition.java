package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.Mount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Everything about a container the DSL will start, validated and frozen: what {@link ContainerConfig}
 * collected. {@link ContainerHandle} turns it into an engine {@link ContainerSpec} at start.
 *
 * @param name            the container's name in the DSL: its network alias, and the prefix of its engine name
 * @param image           the image as the user named it (before any mirror rewrite)
 * @param entrypoint      replaces the image's ENTRYPOINT; {@code null} keeps it
 * @param command         replaces the image's CMD; {@code null} keeps it
 * @param env             environment variables, in the order given
 * @param ports           container ports published on the host
 * @param workingDir      replaces WORKDIR; {@code null} keeps it
 * @param user            replaces USER; {@code null} keeps it
 * @param labels          labels, in the order given
 * @param networks        the networks it joins, the first as its primary one; empty for the engine's default
 * @param mounts          bind mounts, volumes, tmpfs
 * @param files           files copied in before it starts
 * @param waitStrategy    what makes it ready
 * @param startupTimeout  how long it may take to become ready (the default timeout of its wait strategy)
 * @param stopTimeout     grace period after the stop signal; {@code null} kills at once (the fast default for tests)
 * @param dependsOn       containers that must be ready before this one starts
 * @param pullPolicy      when the engine pulls the image
 * @param memoryBytes     memory limit, 0 for none
 * @param cpus            CPU limit in cores, 0 for none
 * @param logListeners    receive every log line while it runs
 * @param specCustomizers last changes to the engine spec (escape hatch)
 */
public record ContainerDefinition(
        String name,
        String image,
        @Nullable List<String> entrypoint,
        @Nullable List<String> command,
        Map<String, String> env,
        List<Port> ports,
        @Nullable String workingDir,
        @Nullable String user,
        Map<String, String> labels,
        List<NetworkAttachment> networks,
        List<Mount> mounts,
        List<FileCopy> files,
        WaitStrategy waitStrategy,
        Duration startupTimeout,
        @Nullable Duration stopTimeout,
        List<ContainerHandle> dependsOn,
        ContainerSpec.@Nullable PullPolicy pullPolicy,
        long memoryBytes,
        double cpus,
        List<Consumer<LogLine>> logListeners,
        List<Configurer<ContainerSpec.Builder>> specCustomizers) {

    /**
     * The definition a {@link ContainerConfig} lambda describes, validated and frozen: what {@link Stevedore#container}
     * holds, and what a ready-made service subclassing {@link ContainerHandle} builds its container from.
     *
     * @throws InvalidDefinitionException when the configuration is wrong, naming the container
     */
    public static ContainerDefinition of(String image, Configurer<ContainerConfig> configurer) {
        ContainerConfig config = new ContainerConfig(image, ContainerNames.defaultName(image));
        configurer.configure(config);
        return config.build("");
    }

    public ContainerDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        command = command == null ? null : List.copyOf(command);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        ports = List.copyOf(ports);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        networks = List.copyOf(networks);
        mounts = List.copyOf(mounts);
        files = List.copyOf(files);
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        dependsOn = List.copyOf(dependsOn);
        pullPolicy = pullPolicy == null ? ContainerSpec.PullPolicy.MISSING : pullPolicy;
        logListeners = List.copyOf(logListeners);
        specCustomizers = List.copyOf(specCustomizers);
    }

    /**
     * A container port published on the host's loopback.
     *
     * @param containerPort the TCP port inside the container
     * @param hostPort      the host port; 0 for a free one (the default, so parallel tests never clash)
     */
    public record Port(int containerPort, int hostPort) {
    }

    /**
     * A network the container joins.
     *
     * @param network the network
     * @param aliases names it answers to there besides its own {@link ContainerDefinition#name()}
     */
    public record NetworkAttachment(NetworkHandle network, List<String> aliases) {
        public NetworkAttachment {
            Objects.requireNonNull(network, "network");
            aliases = List.copyOf(aliases);
        }
    }

    /**
     * A file copied into the container before it starts: from the host ({@code hostPath}, a file or a
     * directory) or from memory ({@code content}, e.g. a classpath resource read when the definition was made).
     *
     * @param containerPath the absolute path it gets in the container (a directory's content goes below it)
     * @param hostPath      the host file or directory, or {@code null}
     * @param content       the bytes, or {@code null}
     * @param mode          the file mode for {@code content} (host files keep theirs)
     * @param origin        where it came from, for messages ({@code classpath:db/schema.sql})
     */
    public record FileCopy(String containerPath, @Nullable Path hostPath, byte @Nullable [] content, int mode, String origin) {
        public FileCopy {
            Objects.requireNonNull(containerPath, "containerPath");
            if ((hostPath == null) == (content == null)) {
                throw new IllegalArgumentException("a file copy needs exactly one of a host path and content");
            }
        }
    }
}
