package dev.stevedore.cli;

import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compose project on an engine, as {@code docker compose} lays it out, so either tool finds what the other made:
 * containers {@code <project>-<service>-1}, networks {@code <project>_<network>}, volumes {@code <project>_<volume>},
 * all labelled {@code com.docker.compose.project} (and {@code .service}, {@code .network}, {@code .volume}), and
 * kept after the command ends ({@link ContainerSpec#KEEP_LABEL}). Progress goes to {@code err} in docker
 * compose's words ({@code  Container shop-web-1  Started}).
 */
final class ComposeProjects {
    static final String PROJECT = "com.docker.compose.project";
    static final String SERVICE = "com.docker.compose.service";
    static final String NUMBER = "com.docker.compose.container-number";
    private static final String NETWORK = "com.docker.compose.network";
    private static final String VOLUME = "com.docker.compose.volume";
    private static final String ONEOFF = "com.docker.compose.oneoff";
    private static final Duration HEALTH_POLL = Duration.ofSeconds(1);

    private final ContainerEngine engine;
    private final String name;
    private final PrintWriter err;

    ComposeProjects(ContainerEngine engine, String name, PrintWriter err) {
        this.engine = engine;
        this.name = name;
        this.err = err;
    }

    /** The project's containers, by service name then number; {@code all} includes those not running. */
    List<ContainerInfo> containers(boolean all) {
        return engine.containers(all, Map.of(PROJECT, name)).stream()
                .sorted(Comparator.comparing((ContainerInfo c) -> c.labels().getOrDefault(SERVICE, ""))
                        .thenComparing(c -> c.labels().getOrDefault(NUMBER, "")))
                .toList();
    }

    /** The container of {@code service}, running or not. */
    Optional<ContainerInfo> container(String service) {
        return engine.containers(true, Map.of(PROJECT, name, SERVICE, service)).stream().findFirst();
    }

    /** {@code web-1}: what docker compose prefixes a container's log lines with. */
    static String shortName(ContainerInfo container) {
        return container.labels().getOrDefault(SERVICE, container.name()) + "-" + container.labels().getOrDefault(NUMBER, "1");
    }

    /**
     * Creates what is missing and starts what does not run, each service once those it depends on meet their
     * conditions; returns the containers in start order. A container that exists is started as it is, not recreated.
     */
    List<String> up(ComposeProject project) {
        project.networks().forEach((network, spec) -> network(network, spec));
        project.volumes().forEach((volume, spec) -> volume(volume, spec));
        Map<String, String> ids = new LinkedHashMap<>();
        for (ComposeService service : project.startOrder()) {
            service.dependsOn().forEach((dependency, condition) -> meet(project.service(dependency), ids.get(dependency), condition));
            ids.put(service.name(), start(project, service));
        }
        return List.copyOf(ids.values());
    }

    private void network(String network, ComposeProject.ComposeNetwork spec) {
        String engineName = name + "_" + network;
        if (engine.networks().stream().anyMatch(n -> n.name().equals(engineName))) {
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(PROJECT, name);
        labels.put(NETWORK, network);
        labels.put(ContainerSpec.KEEP_LABEL, "true");
        engine.createNetwork(new NetworkSpec(engineName, null, labels, spec.internal()));
        progress("Network", engineName, "Created");
    }

    private void volume(String volume, ComposeProject.ComposeVolume spec) {
        String engineName = name + "_" + volume;
        if (!engine.volumes(Map.of(PROJECT, name, VOLUME, volume)).isEmpty()) {
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(PROJECT, name);
        labels.put(VOLUME, volume);
        labels.put(ContainerSpec.KEEP_LABEL, "true");
        engine.createVolume(new VolumeSpec(engineName, labels));
        progress("Volume", engineName, "Created");
    }

    private String start(ComposeProject project, ComposeService service) {
        String containerName = service.containerName(name);
        Optional<ContainerInfo> existing = container(service.name());
        if (existing.isPresent() && existing.get().state().running()) {
            progress("Container", containerName, "Running");
            return existing.get().id();
        }
        String id;
        if (existing.isPresent()) {
            id = existing.get().id();
        } else {
            if (service.build() != null) {
                build(service);
            }
            id = engine.createContainer(spec(project, service, containerName)).id();
            List<String> networks = new ArrayList<>(service.networks().keySet());
            for (String network : networks.subList(1, networks.size())) {
                engine.connectNetwork(name + "_" + network, id, aliases(service, network));
            }
            progress("Container", containerName, "Created");
        }
        engine.startContainer(id);
        progress("Container", containerName, "Started");
        return id;
    }

    private void build(ComposeService service) {
        ComposeService.Build build = service.build();
        BuildSpec.Builder spec = BuildSpec.builder(build.context()).dockerfile(build.dockerfile()).target(build.target())
                .tag(service.image()).label(PROJECT, name);
        build.args().forEach(spec::buildArg);
        progress("Image", service.image(), "Building");
        engine.build(spec.build(), BuildListener.NONE);
        progress("Image", service.image(), "Built");
    }

    private ContainerSpec spec(ComposeProject project, ComposeService service, String containerName) {
        ContainerSpec.Builder spec = ContainerSpec.builder(service.image()).name(containerName);
        if (service.healthcheck() != null) {
            spec.healthCheck(service.healthcheck().engineCheck());
        }
        if (service.entrypoint() != null) {
            spec.entrypoint(service.entrypoint());
        }
        if (service.command() != null) {
            spec.cmd(service.command());
        }
        service.environment().forEach(spec::env);
        if (service.workingDir() != null) {
            spec.workingDir(service.workingDir());
        }
        if (service.user() != null) {
            spec.user(service.user());
        }
        spec.labels(service.labels()).label(PROJECT, name).label(SERVICE, service.name()).label(NUMBER, "1")
                .label(ONEOFF, "False").label(ContainerSpec.KEEP_LABEL, "true");
        for (ComposeService.Port port : service.ports()) {
            spec.port(new PortBinding(port.containerPort(), "tcp", port.hostIp(), port.hostPort()));
        }
        for (ComposeService.Volume volume : service.volumes()) {
            spec.mount(switch (volume.type()) {
                case VOLUME -> Mount.volume(name + "_" + volume.source(), volume.target(), volume.readOnly());
                case BIND -> Mount.bind(volume.source(), volume.target(), volume.readOnly());
                case TMPFS -> Mount.tmpfs(volume.target(), "");
            });
        }
        String first = service.networks().keySet().iterator().next();
        spec.networkMode(name + "_" + first);
        aliases(service, first).forEach(spec::networkAlias);
        spec.hostname(service.name());
        spec.restartPolicy(service.restart());
        spec.privileged(service.privileged());
        service.options().applyTo(spec); // checked when the file was read
        for (String from : service.volumesFrom()) {
            // SERVICE[:mode] is that service's container here; container:NAME[:mode] names one outright
            int colon = from.indexOf(':');
            String mode = colon < 0 ? "" : from.substring(colon);
            spec.volumesFrom(from.startsWith("container:") ? from.substring("container:".length())
                    : project.service(from.substring(0, colon < 0 ? from.length() : colon)).containerName(name) + mode);
        }
        for (String link : service.links()) {
            // SERVICE:ALIAS is that service's container here, known to this one as ALIAS
            spec.link(project.service(ContainerSpec.linkContainer(link)).containerName(name), ContainerSpec.linkAlias(link));
        }
        return spec.build();
    }

    private static List<String> aliases(ComposeService service, String network) {
        List<String> aliases = new ArrayList<>();
        aliases.add(service.name());
        aliases.addAll(service.networks().get(network));
        return aliases;
    }

    /** Returns once {@code dependency} (container {@code id}) meets {@code condition}; fails when it cannot. */
    private void meet(ComposeService dependency, String id, ComposeService.Condition condition) {
        String containerName = dependency.containerName(name);
        switch (condition) {
            case SERVICE_STARTED -> { }
            case SERVICE_COMPLETED_SUCCESSFULLY -> {
                ContainerState state = Containers.awaitExit(engine, id);
                if (state.exitCode() != 0) {
                    throw new ContainerEngineException("service \"" + dependency.name() + "\" didn't complete successfully: exit "
                            + state.exitCode() + " — see 'stevedore compose logs " + dependency.name() + "'");
                }
                progress("Container", containerName, "Exited");
            }
            case SERVICE_HEALTHY -> {
                healthy(dependency, id);
                progress("Container", containerName, "Healthy");
            }
        }
    }

    /**
     * Waits until the engine, which runs the service's check in its container at the file's interval, finds it healthy;
     * unhealthy or ended fails at once. Looked at once a second: this command waits with nothing else to do, and the
     * status changes at most once an interval.
     */
    private void healthy(ComposeService service, String id) {
        HealthCheck check = service.healthcheck().engineCheck();
        // the time its start period and retries give it to turn healthy, at least a minute
        Duration budget = check.startPeriod().plus(check.effectiveInterval().plus(check.effectiveTimeout())
                .multipliedBy(check.effectiveRetries() + 1L));
        long deadline = System.nanoTime() + Math.max(budget.toNanos(), Duration.ofSeconds(60).toNanos());
        String last = "no check has ended yet";
        while (System.nanoTime() < deadline) {
            ContainerInfo info = engine.inspectContainer(id);
            ContainerHealth health = info.health();
            if (health != null && !health.log().isEmpty()) {
                ContainerHealth.Result r = health.log().get(health.log().size() - 1);
                last = "exit code " + r.exitCode() + ": " + r.output().strip();
            }
            if (health != null && health.status() == ContainerHealth.Status.HEALTHY) {
                return;
            }
            if (!info.state().running() || health != null && health.status() == ContainerHealth.Status.UNHEALTHY) {
                break;
            }
            try {
                Thread.sleep(HEALTH_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerEngineException("interrupted while waiting for service \"" + service.name() + "\" to be healthy", e);
            }
        }
        throw new ContainerEngineException("service \"" + service.name() + "\" is unhealthy: its healthcheck "
                + String.join(" ", service.healthcheck().command()) + " did not pass (last: " + last + ")"
                + " — see 'stevedore compose logs " + service.name() + "'");
    }

    /** Stops and removes the project's containers, then its networks, and with {@code volumes} its volumes. */
    void down(boolean volumes, Duration grace) {
        // the latest made first: up makes a service's container after those it depends on, so a service stops before
        // what it depends on, as docker compose stops them
        List<ContainerInfo> all = new ArrayList<>(containers(true));
        java.util.Collections.reverse(all); // ties (a daemon that lists creation times in seconds): by name, as before
        all.sort(Comparator.comparing(ContainerInfo::created, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        for (ContainerInfo container : all) {
            if (container.state().running()) {
                engine.stopContainer(container.id(), grace);
                progress("Container", container.name(), "Stopped");
            }
            engine.removeContainer(container.id(), true);
            progress("Container", container.name(), "Removed");
        }
        for (NetworkInfo network : engine.networks()) {
            if (name.equals(network.labels().get(PROJECT))) {
                engine.removeNetwork(network.name());
                progress("Network", network.name(), "Removed");
            }
        }
        if (volumes) {
            for (VolumeInfo volume : engine.volumes(Map.of(PROJECT, name))) {
                engine.removeVolume(volume.name(), true);
                progress("Volume", volume.name(), "Removed");
            }
        }
    }

    private void progress(String kind, String what, String done) {
        err.println(" " + kind + " " + what + "  " + done);
        err.flush();
    }
}
