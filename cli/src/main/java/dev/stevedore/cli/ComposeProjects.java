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
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
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

    /** The container of {@code service}, running or not; not a one-off of {@code compose run}. */
    Optional<ContainerInfo> container(String service) {
        return engine.containers(true, Map.of(PROJECT, name, SERVICE, service, ComposeSpecs.ONEOFF, "False")).stream().findFirst();
    }

    /** {@code web-1}: what docker compose prefixes a container's log lines with. */
    static String shortName(ContainerInfo container) {
        return container.labels().getOrDefault(SERVICE, container.name()) + "-" + container.labels().getOrDefault(NUMBER, "1");
    }

    /** What {@code up} does to a container that exists ({@code --force-recreate}, {@code --no-recreate}). */
    enum Recreate { CHANGED, ALWAYS, NEVER }

    /** When {@code up} builds a service's image ({@code --build}, {@code --no-build}). */
    enum Build { MISSING, ALWAYS, NEVER }

    /**
     * How {@code up} goes about it.
     *
     * @param services the services to bring up with those they depend on; empty for all
     * @param noDeps   only {@code services}, not what they depend on
     */
    record UpOptions(List<String> services, boolean noDeps, Build build, Recreate recreate) {
        static final UpOptions ALL = new UpOptions(List.of(), false, Build.MISSING, Recreate.CHANGED);
    }

    /**
     * Creates what is missing and starts what does not run, each service once those it depends on meet their
     * conditions; returns the containers by service, in start order. A container whose service is as it was when it was
     * made is left as it is (started if it was not running); one whose service changed in the file, or whose image
     * changed, is made anew, as docker compose recreates it.
     */
    Map<String, String> up(ComposeProject project, UpOptions options) {
        prepare(project);
        java.util.Set<String> wanted = options.services().isEmpty() ? project.services().keySet()
                : options.noDeps() ? java.util.Set.copyOf(options.services()) : withDependencies(project, options.services());
        Map<String, String> ids = new LinkedHashMap<>();
        for (ComposeService service : project.startOrder()) {
            if (!wanted.contains(service.name())) {
                continue;
            }
            service.dependsOn().forEach((dependency, condition) -> {
                String id = ids.containsKey(dependency) ? ids.get(dependency)
                        : container(dependency).map(ContainerInfo::id).orElse(null);
                if (id != null) {
                    meet(project.service(dependency), id, condition);
                }
            });
            ids.put(service.name(), start(project, service, options));
        }
        return ids;
    }

    /** The project's networks and volumes, made where they are missing. */
    void prepare(ComposeProject project) {
        project.networks().forEach((network, spec) -> network(network, spec));
        project.volumes().forEach((volume, spec) -> volume(volume, spec));
    }

    /** {@code services} and every service they depend on, directly or through others. */
    static java.util.Set<String> withDependencies(ComposeProject project, List<String> services) {
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        java.util.Deque<String> next = new java.util.ArrayDeque<>(services);
        while (!next.isEmpty()) {
            String service = next.pop();
            if (found.add(service)) {
                next.addAll(project.service(service).dependsOn().keySet());
            }
        }
        return found;
    }

    /** Meets the conditions {@code service} puts on what it depends on, those having containers. */
    void meetDependencies(ComposeProject project, ComposeService service) {
        service.dependsOn().forEach((dependency, condition) -> container(dependency)
                .ifPresent(c -> meet(project.service(dependency), c.id(), condition)));
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

    private String start(ComposeProject project, ComposeService service, UpOptions options) {
        String containerName = service.containerName(name);
        Optional<ContainerInfo> existing = container(service.name());
        if (options.build() == Build.ALWAYS && service.build() != null
                || options.build() == Build.MISSING && existing.isEmpty()) {
            imageFor(service, options.build());
        }
        if (existing.isPresent() && outdated(existing.get(), service, options.recreate())) {
            progress("Container", containerName, "Recreate");
            engine.removeContainer(existing.get().id(), true);
            String id = create(project, service);
            progress("Container", containerName, "Recreated");
            engine.startContainer(id);
            progress("Container", containerName, "Started");
            return id;
        }
        if (existing.isPresent() && existing.get().state().running()) {
            progress("Container", containerName, "Running");
            return existing.get().id();
        }
        String id;
        if (existing.isPresent()) {
            id = existing.get().id();
        } else {
            id = create(project, service);
            progress("Container", containerName, "Created");
        }
        engine.startContainer(id);
        progress("Container", containerName, "Started");
        return id;
    }

    private String create(ComposeProject project, ComposeService service) {
        String id = engine.createContainer(ComposeSpecs.service(name, project, service)).id();
        List<String> networks = new ArrayList<>(service.networks().keySet());
        for (String network : networks.subList(1, networks.size())) {
            engine.connectNetwork(name + "_" + network, id, ComposeSpecs.aliases(service, network));
        }
        return id;
    }

    /** Whether {@code up} makes the service's container anew: asked to, or the file or the image changed since. */
    private boolean outdated(ContainerInfo container, ComposeService service, Recreate recreate) {
        return switch (recreate) {
            case ALWAYS -> true;
            case NEVER -> false;
            case CHANGED -> !ComposeSpecs.configHash(service).equals(container.labels().get(ComposeSpecs.CONFIG_HASH))
                    || container.imageId() != null && engine.image(dev.stevedore.engine.ImageReference.parse(service.image()))
                            .map(image -> !bareId(image.id()).equals(bareId(container.imageId()))).orElse(false);
        };
    }

    private static String bareId(String id) {
        return id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
    }

    /**
     * Builds the service's image when it has a {@code build:} and {@code build} asks for it (always, or when the image is
     * not there); a service without one is pulled by the engine when its container is made.
     */
    void imageFor(ComposeService service, Build build) {
        if (service.build() == null || build == Build.NEVER) {
            return;
        }
        if (build == Build.MISSING && engine.image(dev.stevedore.engine.ImageReference.parse(service.image())).isPresent()) {
            return;
        }
        ComposeService.Build spec = service.build();
        BuildSpec.Builder builder = BuildSpec.builder(spec.context()).dockerfile(spec.dockerfile()).target(spec.target())
                .tag(service.image()).label(PROJECT, name);
        spec.args().forEach(builder::buildArg);
        progress("Image", service.image(), "Building");
        engine.build(builder.build(), BuildListener.NONE);
        progress("Image", service.image(), "Built");
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

    /**
     * {@code containers}, the latest made first: up makes a service's container after those it depends on, so a service
     * stops before what it depends on, as docker compose stops them.
     */
    static List<ContainerInfo> stopOrder(List<ContainerInfo> containers) {
        List<ContainerInfo> all = new ArrayList<>(containers);
        java.util.Collections.reverse(all); // ties (a daemon that lists creation times in seconds): by name, as before
        all.sort(Comparator.comparing(ContainerInfo::created, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return all;
    }

    /** Stops and removes the project's containers, then its networks, and with {@code volumes} its volumes. */
    void down(boolean volumes, Duration grace) {
        for (ContainerInfo container : stopOrder(containers(true))) {
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

    /** A line of progress in docker compose's words: {@code  Container shop-web-1  Started}. */
    void progress(String kind, String what, String done) {
        err.println(" " + (kind.isEmpty() ? "" : kind + " ") + what + "  " + done);
        err.flush();
    }
}
