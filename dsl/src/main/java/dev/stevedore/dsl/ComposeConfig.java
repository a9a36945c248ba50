package dev.stevedore.dsl;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.dsl.compose.ComposeService.Condition;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.RestartPolicy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The mutable spec of an environment read from a compose file, handed to the {@link Stevedore#compose} lambda:
 * variables for the file's {@code ${...}}, the project's name, and per service a {@link ContainerConfig} lambda that
 * runs after the file's settings, to add what a test needs (a wait strategy, a log listener, a longer timeout):
 *
 * <pre>{@code
 * Stevedore.compose(Path.of("compose.yaml"), c -> c
 *         .variable("TAG", "15")
 *         .service("web", s -> s.waitFor(Wait.http("/health"))));
 * }</pre>
 *
 * <p>Each service becomes a container of the environment under its service name, which is its host name on its
 * networks next to its aliases. A service is ready, unless its lambda says otherwise, as {@code docker compose up
 * --wait} has it: running; healthy when it has a healthcheck (run by the engine, {@link Wait#healthCheck}); exited
 * with status 0 when another service depends on it with {@code service_completed_successfully}. A service waits
 * for the services it {@code depends_on} to be ready. Ports are published on the loopback; a fixed host port in the
 * file is kept, a port without one gets a free port ({@link ContainerHandle#port(int)} says which). Named volumes
 * are {@code <project>_<volume>} and stay after the environment stops, as {@code docker compose down} leaves them.
 * A service's {@code container_name} is not its engine name here (the DSL gives each container a unique one, so test
 * classes sharing a file run side by side); {@code stevedore compose up} names it so.
 */
public final class ComposeConfig {
    private final Path file;
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final Map<String, Configurer<ContainerConfig>> services = new LinkedHashMap<>();
    private final java.util.List<String> profiles = new java.util.ArrayList<>();
    private String projectName;

    ComposeConfig(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** A value for {@code ${name}} in the file, before the process environment and {@code .env}. */
    public ComposeConfig variable(String name, String value) {
        variables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, () -> "value of " + name));
        return this;
    }

    /** The project's name, over the file's {@code name:} (as {@code docker compose -p} is); by default that, else the directory's name. */
    public ComposeConfig projectName(String name) {
        this.projectName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Enables the services of profile {@code name} (as {@code docker compose --profile}); call it again for more. With
     * none, the profiles {@code COMPOSE_PROFILES} lists are active; services without {@code profiles:} always start.
     */
    public ComposeConfig profile(String name) {
        profiles.add(Objects.requireNonNull(name, "name"));
        return this;
    }

    /** More configuration of the service {@code name}, applied after what the file says. */
    public ComposeConfig service(String name, Configurer<ContainerConfig> configurer) {
        services.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(configurer, "configurer"));
        return this;
    }

    Environment build() {
        ComposeProject project = ComposeProject.read(file, projectName, variables, profiles);
        for (String name : services.keySet()) {
            if (!project.services().containsKey(name)) {
                throw new InvalidDefinitionException("compose " + file.getFileName() + ": service \"" + name + "\"",
                        "is configured, but the file has no such service; it has " + project.services().keySet());
            }
        }
        EnvironmentConfig environment = new EnvironmentConfig();
        Map<String, NetworkHandle> networks = new LinkedHashMap<>();
        project.networks().forEach((name, network) -> networks.put(name, environment.network(project.name() + "_" + name, n -> {
            n.internal(network.internal());
            network.labels().forEach(n::label);
            n.label("com.docker.compose.project", project.name());
            n.label("com.docker.compose.network", name);
        })));
        Map<String, ContainerHandle> handles = new LinkedHashMap<>();
        for (ComposeService service : project.startOrder()) {
            ContainerConfig config = new ContainerConfig(service.image(), service.name());
            configure(config, project, service, networks, handles);
            services.getOrDefault(service.name(), Configurer.none()).configure(config);
            ContainerDefinition definition = config.build("compose " + file.getFileName() + ": ");
            ContainerHandle handle = service.build() == null ? ContainerHandle.of(definition)
                    : new BuiltImageContainer(definition, service.build(), project.name());
            handles.put(service.name(), environment.add(handle));
        }
        return environment.build();
    }

    private static void configure(ContainerConfig c, ComposeProject project, ComposeService service,
                                  Map<String, NetworkHandle> networks, Map<String, ContainerHandle> handles) {
        if (service.entrypoint() != null) {
            c.entrypoint(service.entrypoint().toArray(new String[0]));
        }
        if (service.command() != null) {
            c.command(service.command().toArray(new String[0]));
        }
        c.env(service.environment());
        for (ComposeService.Port port : service.ports()) {
            if (port.hostPort() == 0) {
                c.expose(port.containerPort());
            } else {
                c.publish(port.containerPort(), port.hostPort());
            }
        }
        if (service.workingDir() != null) {
            c.workingDir(service.workingDir());
        }
        if (service.user() != null) {
            c.user(service.user());
        }
        service.labels().forEach(c::label);
        c.label("com.docker.compose.project", project.name());
        c.label("com.docker.compose.service", service.name());
        service.networks().forEach((name, aliases) -> c.network(networks.get(name), aliases.toArray(new String[0])));
        for (ComposeService.Volume volume : service.volumes()) {
            switch (volume.type()) {
                case VOLUME -> c.engineSpec(s -> s.mount(Mount.volume(project.name() + "_" + volume.source(), volume.target(), volume.readOnly())));
                case BIND -> {
                    if (volume.readOnly()) {
                        c.bindReadOnly(Path.of(volume.source()), volume.target());
                    } else {
                        c.bind(Path.of(volume.source()), volume.target());
                    }
                }
                case TMPFS -> c.tmpfs(volume.target());
            }
        }
        if (service.healthcheck() != null) {
            c.engineSpec(s -> s.healthCheck(service.healthcheck().engineCheck()));
        }
        if (service.restart().kind() != RestartPolicy.Kind.NO) {
            c.engineSpec(s -> s.restartPolicy(service.restart()));
        }
        if (!service.volumesFrom().isEmpty()) {
            // a service's container gets its engine name when it starts, after the definitions are frozen
            throw new InvalidDefinitionException("compose service \"" + service.name() + "\"", "volumes_from "
                    + service.volumesFrom() + " is supported by 'stevedore compose up', not by the DSL: share a named"
                    + " volume between the services instead");
        }
        if (service.privileged()) {
            c.privileged();
        }
        if (service.options().stopGracePeriod() != null) {
            c.stopTimeout(service.options().stopGracePeriod()); // the DSL's stop waits this long, not only the engine's
        }
        if (service.options().pullPolicy() != null) {
            c.pullPolicy(service.options().pullPolicy());
        }
        // checked when the file was read; container_name is left out: the DSL names each container uniquely, so test
        // classes using the same file run side by side
        c.engineSpec(service.options()::applyTo);
        service.links().forEach(l -> c.link(handles.get(Link.parse(l).container()), Link.parse(l).alias()));
        service.dependsOn().keySet().forEach(d -> c.dependsOn(handles.get(d)));
        c.waitFor(readiness(project, service));
    }

    /** Ready as {@code docker compose up --wait} has it, and as the services depending on it need. */
    private static WaitStrategy readiness(ComposeProject project, ComposeService service) {
        boolean mustComplete = project.services().values().stream()
                .anyMatch(s -> s.dependsOn().get(service.name()) == Condition.SERVICE_COMPLETED_SUCCESSFULLY);
        if (mustComplete) {
            return new CompletionWait();
        }
        if (service.healthcheck() != null) {
            return Wait.healthCheck(); // the engine runs the check (see definition), at the file's interval
        }
        return Wait.running();
    }
}
