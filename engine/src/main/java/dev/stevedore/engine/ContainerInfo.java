package dev.stevedore.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A container as the engine knows it: what {@code docker inspect} and {@code docker ps} show.
 *
 * @param id       64 hex digits
 * @param name     its name, without Docker's leading slash
 * @param image    the reference it was created from, as given
 * @param imageId  the id of that image ({@code sha256:...})
 * @param created  when it was created
 * @param state    its state now
 * @param command  the command it runs: entrypoint and cmd merged
 * @param env      its environment
 * @param labels   its labels
 * @param ports    its published ports, with the host ports actually bound
 * @param networks the networks it is on (name → its address on it; empty address where it has none)
 * @param spec     what it was created from
 * @param staticAddresses the networks where a static address was asked for (name → that address), as Docker's
 *                 {@code IPAMConfig.IPv4Address} echoes it
 * @param restartCount how often its restart policy started it again since a user last started it
 * @param mounts   its mounts as made: the spec's, anonymous volumes for the image's VOLUMEs, and those it got from
 *                 {@link ContainerSpec#volumesFrom()} containers; a volume by its name, an anonymous one by the name the
 *                 engine generated (64 hex digits, listed by {@link ContainerEngine#volumes()})
 * @param networkAliases the aliases it has on each network it is on (network name → aliases, in the order asked:
 *                 {@link ContainerSpec#networkAliases()} on its first network, those given to
 *                 {@link ContainerEngine#connectNetwork(String, String, List)}); a network without any is left out
 * @param health   its health as its {@link HealthCheck} found it (the spec's, else the image's), as dockerd's
 *                 {@code State.Health}; {@code null} for a container without a check (or with {@link HealthCheck#NONE})
 * @param warnings what the engine warned of when it created the container, in dockerd's words (its create answer's
 *                 {@code Warnings}: a setting the host cannot apply, its IPv4 forwarding switched off), for the caller to
 *                 show as docker does ({@code WARNING: <text>}); empty but from {@link ContainerEngine#createContainer}
 *                 and {@link ContainerEngine#runContainer}
 */
public record ContainerInfo(String id, String name, String image, String imageId, Instant created, ContainerState state,
                            List<String> command, List<String> env, Map<String, String> labels,
                            List<PortBinding> ports, Map<String, String> networks, ContainerSpec spec,
                            Map<String, String> staticAddresses, int restartCount, List<Mount> mounts,
                            Map<String, List<String>> networkAliases, ContainerHealth health, List<String> warnings) {
    public ContainerInfo {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        command = List.copyOf(command);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
        networks = Map.copyOf(networks);
        staticAddresses = staticAddresses == null ? Map.of() : Map.copyOf(staticAddresses);
        mounts = mounts == null ? spec.mounts() : List.copyOf(mounts);
        Map<String, List<String>> aliases = new java.util.LinkedHashMap<>();
        if (networkAliases != null) {
            networkAliases.forEach((network, names) -> {
                if (names != null && !names.isEmpty()) {
                    aliases.put(network, List.copyOf(names));
                }
            });
        }
        networkAliases = java.util.Collections.unmodifiableMap(aliases);
    }

    /** A container as inspect shows it, without the warnings of its create. */
    public ContainerInfo(String id, String name, String image, String imageId, Instant created, ContainerState state,
                         List<String> command, List<String> env, Map<String, String> labels,
                         List<PortBinding> ports, Map<String, String> networks, ContainerSpec spec,
                         Map<String, String> staticAddresses, int restartCount, List<Mount> mounts,
                         Map<String, List<String>> networkAliases, ContainerHealth health) {
        this(id, name, image, imageId, created, state, command, env, labels, ports, networks, spec, staticAddresses,
                restartCount, mounts, networkAliases, health, List.of());
    }

    /** This container with {@code warnings} as the warnings of its create. */
    public ContainerInfo withWarnings(List<String> warnings) {
        return new ContainerInfo(id, name, image, imageId, created, state, command, env, labels, ports, networks, spec,
                staticAddresses, restartCount, mounts, networkAliases, health, warnings);
    }

    /** A container without a health check. */
    public ContainerInfo(String id, String name, String image, String imageId, Instant created, ContainerState state,
                         List<String> command, List<String> env, Map<String, String> labels,
                         List<PortBinding> ports, Map<String, String> networks, ContainerSpec spec,
                         Map<String, String> staticAddresses, int restartCount, List<Mount> mounts,
                         Map<String, List<String>> networkAliases) {
        this(id, name, image, imageId, created, state, command, env, labels, ports, networks, spec, staticAddresses,
                restartCount, mounts, networkAliases, null);
    }

    /** A container with no network aliases. */
    public ContainerInfo(String id, String name, String image, String imageId, Instant created, ContainerState state,
                         List<String> command, List<String> env, Map<String, String> labels,
                         List<PortBinding> ports, Map<String, String> networks, ContainerSpec spec,
                         Map<String, String> staticAddresses, int restartCount, List<Mount> mounts) {
        this(id, name, image, imageId, created, state, command, env, labels, ports, networks, spec, staticAddresses,
                restartCount, mounts, Map.of());
    }

    /** A container whose mounts are its spec's. */
    public ContainerInfo(String id, String name, String image, String imageId, Instant created, ContainerState state,
                         List<String> command, List<String> env, Map<String, String> labels,
                         List<PortBinding> ports, Map<String, String> networks, ContainerSpec spec,
                         Map<String, String> staticAddresses, int restartCount) {
        this(id, name, image, imageId, created, state, command, env, labels, ports, networks, spec, staticAddresses,
                restartCount, null, Map.of());
    }

    /** A container where no static address was asked for, never restarted by its policy. */
    public ContainerInfo(String id, String name, String image, String imageId, Instant created, ContainerState state,
                         List<String> command, List<String> env, Map<String, String> labels,
                         List<PortBinding> ports, Map<String, String> networks, ContainerSpec spec) {
        this(id, name, image, imageId, created, state, command, env, labels, ports, networks, spec, Map.of(), 0, null,
                Map.of());
    }

    /**
     * The {@code Aliases} dockerd's inspect lists for the container on {@code network}: the aliases asked for and, on a
     * network a user made, its short id (dockerd 20.10's endpoint names the container by it there) — on the network it
     * was created on once it has started, on a network connected later from the connect, started or not; empty on the
     * default bridge, host and none, where dockerd keeps no aliases.
     */
    public List<String> inspectAliases(String network) {
        List<String> aliases = new java.util.ArrayList<>(networkAliases.getOrDefault(network, List.of()));
        if (!java.util.Set.of("bridge", "host", "none").contains(network)
                && (state.startedAt() != null || connectedAfterCreate(network))) {
            aliases.add(shortId());
        }
        return List.copyOf(aliases);
    }

    /**
     * Whether {@code network} is not the one the container was created on. False when that cannot be told: a network
     * mode naming a network by id, which {@link #networks} does not key by.
     */
    private boolean connectedAfterCreate(String network) {
        String mode = spec == null ? null : spec.networkMode();
        String createdOn = mode == null || mode.equals("default") ? "bridge" : mode;
        return !createdOn.equals(network) && (createdOn.equals("bridge") || networks.containsKey(createdOn));
    }

    /** The first 12 hex digits of the id, as Docker shows it. */
    public String shortId() {
        return id.substring(0, Math.min(12, id.length()));
    }
}
