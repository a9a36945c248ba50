package dev.stevedore.dsl.compose;

import dev.stevedore.engine.RestartPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One service of a compose file, as read: interpolated, {@code env_file}s merged under {@code environment}, short
 * syntaxes expanded. Immutable.
 *
 * @param name        the service's name, its host name on its networks
 * @param image       the image; for a service that is built, the name its build is tagged with (the file's
 *                    {@code image:}, else {@code <project>-<service>} as Compose names it)
 * @param build       how to build the image, or {@code null} when it is pulled
 * @param command     replaces the image's CMD; {@code null} keeps it (a string in the file is split as a shell would)
 * @param entrypoint  replaces the image's ENTRYPOINT; {@code null} keeps it
 * @param environment environment variables
 * @param ports       published ports
 * @param volumes     volumes, bind mounts and tmpfs mounts
 * @param networks    the networks it joins (by their names in the file) with its aliases there, in the file's order
 * @param dependsOn   the services it depends on, with the condition each must meet before it starts
 * @param healthcheck its health check, or {@code null} (also for {@code disable: true})
 * @param labels      container labels
 * @param user        the user to run as, or {@code null}
 * @param workingDir  the working directory, or {@code null}
 * @param restart     when the engine starts it again after its command ended ({@code restart:}; {@code "no"} when the
 *                    file says nothing)
 * @param volumesFrom the containers whose volume and bind mounts it gets ({@code volumes_from:}): {@code SERVICE},
 *                    {@code SERVICE:ro}, {@code container:NAME[:ro|rw]}, as in the file; each service named is also a
 *                    dependency that starts first, as with Compose
 * @param links       legacy links ({@code links:}) as {@code SERVICE:ALIAS} (the alias is the service's name when the
 *                    file gives none): the service's container is known to this one as ALIAS too; each service named
 *                    is also a dependency that starts first, as with Compose
 * @param privileged  {@code privileged: true}: the container runs privileged (see {@code ContainerSpec.privileged()})
 * @param options     the container settings passed to the engine as they are ({@code hostname}, {@code extra_hosts},
 *                    {@code cap_add}, {@code ulimits}, ...), {@link ContainerOptions#NONE} when the file sets none
 * @param profiles    {@code profiles:}: the service starts only when one of them is active; empty for always
 */
public record ComposeService(String name, String image, @Nullable Build build, @Nullable List<String> command,
                             @Nullable List<String> entrypoint,
                             Map<String, String> environment, List<Port> ports, List<Volume> volumes,
                             Map<String, List<String>> networks, Map<String, Condition> dependsOn,
                             @Nullable Healthcheck healthcheck, Map<String, String> labels, @Nullable String user,
                             @Nullable String workingDir, RestartPolicy restart, List<String> volumesFrom,
                             List<String> links, boolean privileged, ContainerOptions options, List<String> profiles) {

    public ComposeService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        command = command == null ? null : List.copyOf(command);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        Map<String, List<String>> nets = new LinkedHashMap<>();
        networks.forEach((k, v) -> nets.put(k, List.copyOf(v)));
        networks = Collections.unmodifiableMap(nets);
        dependsOn = Collections.unmodifiableMap(new LinkedHashMap<>(dependsOn));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        restart = restart == null ? RestartPolicy.NO : restart;
        volumesFrom = volumesFrom == null ? List.of() : List.copyOf(volumesFrom);
        links = links == null ? List.of() : List.copyOf(links);
        options = options == null ? ContainerOptions.NONE : options;
        profiles = profiles == null ? List.of() : List.copyOf(profiles);
    }

    /** A service without {@link ContainerOptions} and profiles, as before they were read. */
    public ComposeService(String name, String image, @Nullable Build build, @Nullable List<String> command,
                          @Nullable List<String> entrypoint, Map<String, String> environment, List<Port> ports,
                          List<Volume> volumes, Map<String, List<String>> networks, Map<String, Condition> dependsOn,
                          @Nullable Healthcheck healthcheck, Map<String, String> labels, @Nullable String user,
                          @Nullable String workingDir, RestartPolicy restart, List<String> volumesFrom, List<String> links,
                          boolean privileged) {
        this(name, image, build, command, entrypoint, environment, ports, volumes, networks, dependsOn, healthcheck, labels,
                user, workingDir, restart, volumesFrom, links, privileged, ContainerOptions.NONE, List.of());
    }

    /** The container's engine name: {@code container_name}, else {@code <project>-<service>-1} as Compose names it. */
    public String containerName(String project) {
        return options.containerName() != null ? options.containerName() : project + "-" + name + "-1";
    }

    /** When a service may start, with respect to one it depends on ({@code depends_on: {db: {condition: ...}}}). */
    public enum Condition {
        /** The dependency has started ({@code service_started}, the default). */
        SERVICE_STARTED,
        /** The dependency's health check passes ({@code service_healthy}). */
        SERVICE_HEALTHY,
        /** The dependency has exited with status 0 ({@code service_completed_successfully}). */
        SERVICE_COMPLETED_SUCCESSFULLY
    }

    /**
     * A build of the service's image.
     *
     * @param context    the build context directory
     * @param dockerfile the Dockerfile's path in the context, {@code null} for {@code Dockerfile}
     * @param args       build arguments
     * @param target     the stage to build, or {@code null} for the last
     * @param network    the RUN steps' network ({@code default}, {@code none} or {@code host}), {@code null} for default
     * @param extraHosts {@code NAME:ADDRESS} lines for the RUN steps' {@code /etc/hosts}
     */
    public record Build(Path context, @Nullable String dockerfile, Map<String, String> args, @Nullable String target,
                        @Nullable String network, List<String> extraHosts) {
        public Build {
            Objects.requireNonNull(context, "context");
            args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
            extraHosts = List.copyOf(extraHosts);
        }

        /** A build on the default network with no extra hosts. */
        public Build(Path context, @Nullable String dockerfile, Map<String, String> args, @Nullable String target) {
            this(context, dockerfile, args, target, null, List.of());
        }
    }

    /**
     * A published TCP port.
     *
     * @param hostIp        the host address to bind, {@code null} for the engine's default
     * @param hostPort      the host port, 0 for a free one
     * @param containerPort the container's port
     */
    public record Port(@Nullable String hostIp, int hostPort, int containerPort) {
    }

    /**
     * A mount.
     *
     * @param type     what is mounted
     * @param source   the volume's name in the file (named volumes), the absolute host path (binds), {@code null} (tmpfs
     *                 and anonymous volumes)
     * @param target   the path in the container
     * @param readOnly mounted read-only
     */
    public record Volume(Type type, @Nullable String source, String target, boolean readOnly) {
        /** What a mount is. */
        public enum Type { VOLUME, BIND, TMPFS }

        public Volume {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * A health check.
     *
     * @param command     the command to run in the container, exec form ({@code CMD-SHELL} checks as {@code /bin/sh -c})
     * @param interval    time between checks, {@code null} for Compose's 30 s
     * @param timeout     how long one check may take, {@code null} for 30 s
     * @param retries     failures in a row before it is unhealthy, 0 for 3
     * @param startPeriod time during which failures do not count, {@code null} for none
     */
    public record Healthcheck(List<String> command, @Nullable Duration interval, @Nullable Duration timeout, int retries,
                              @Nullable Duration startPeriod) {
        public Healthcheck {
            command = List.copyOf(command);
        }

        /** The check as the engine runs it ({@code CMD} with the exec form; Compose's defaults are Docker's). */
        public dev.stevedore.engine.HealthCheck engineCheck() {
            List<String> test = new java.util.ArrayList<>(List.of("CMD"));
            test.addAll(command);
            return new dev.stevedore.engine.HealthCheck(test, interval, timeout, startPeriod, null, retries);
        }
    }
}
