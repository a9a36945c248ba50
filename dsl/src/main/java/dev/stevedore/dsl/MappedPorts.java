package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.PortBinding;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a {@link ContainerHandle}'s published ports are reached from the test: the host ports the engine bound
 * (waited for, boundedly, where an engine fills them in after the start) and the host to connect to.
 */
final class MappedPorts {
    private static final Duration PORT_MAPPING_TIMEOUT = Duration.ofSeconds(5);

    private MappedPorts() {
    }

    /** The container's info once every port of {@code definition} has a host port. */
    static ContainerInfo inspect(ContainerEngine engine, String id, ContainerDefinition definition, Object who) {
        ContainerInfo info = engine.inspectContainer(id);
        if (definition.ports().isEmpty() || mapped(definition, info)) {
            return info;
        }
        // Some engines fill in the host ports a moment after start; wait for them, boundedly.
        Instant deadline = Instant.now().plus(PORT_MAPPING_TIMEOUT);
        long pause = 5;
        while (Instant.now().isBefore(deadline)) {
            Waiting.pause(pause);
            pause = Math.min(pause * 2, 100);
            info = engine.inspectContainer(id);
            if (mapped(definition, info)) {
                return info;
            }
        }
        throw new ContainerEngineException(who + ": the engine reported no host port for " + definition.ports()
                + " within " + PORT_MAPPING_TIMEOUT.toSeconds() + " s of its start; it reports " + published(info));
    }

    private static boolean mapped(ContainerDefinition definition, ContainerInfo info) {
        for (ContainerDefinition.Port port : definition.ports()) {
            boolean found = info.ports().stream().anyMatch(p -> p.containerPort() == port.containerPort() && p.hostPort() != 0);
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** The host port TCP {@code containerPort} is published on, or an error saying which ones are. */
    static int port(ContainerInfo info, int containerPort, Object who) {
        return info.ports().stream()
                .filter(p -> p.containerPort() == containerPort && p.protocol().equals("tcp") && p.hostPort() != 0)
                .mapToInt(PortBinding::hostPort)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(who + " does not publish port " + containerPort
                        + "; it publishes " + published(info) + " (add expose(" + containerPort + "))"));
    }

    /** The host to connect to: the one the ports are bound on, the daemon's host for a wildcard on a remote one. */
    static String host(ContainerInfo info) {
        return info.ports().stream().map(PortBinding::hostIp).findFirst().map(MappedPorts::reachable)
                .orElse("127.0.0.1");
    }

    private static String published(ContainerInfo info) {
        List<String> ports = info.ports().stream().filter(p -> p.hostPort() != 0)
                .map(p -> p.containerPort() + "/" + p.protocol() + " → " + p.hostPort())
                .collect(Collectors.toList());
        return ports.isEmpty() ? "none" : String.join(", ", ports);
    }

    private static String reachable(String hostIp) {
        if (hostIp == null || hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::")) {
            String dockerHost = Engines.lookup("DOCKER_HOST");
            if (dockerHost != null && dockerHost.startsWith("tcp://")) {
                String host = URI.create(dockerHost).getHost();
                if (host != null) {
                    return host;
                }
            }
            return "127.0.0.1";
        }
        return hostIp;
    }
}
