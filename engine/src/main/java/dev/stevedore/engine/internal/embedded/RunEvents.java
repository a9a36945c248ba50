package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineEvent.Action;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events that frame a container's run, in dockerd's order: at its start a network {@code connect} for each of its
 * networks and a volume {@code mount} for each named volume, then {@code start}; at its end {@code oom} (when the
 * kernel killed it for memory), {@code die}, then a {@code disconnect} for each network and an {@code unmount} for each
 * volume. An event that cannot be described (a network removed meanwhile) is left out; the run is not failed for it.
 */
final class RunEvents {
    private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);
    /** Docker's only volume driver here: every volume is a directory on the host. */
    static final String LOCAL_DRIVER = "local";

    private RunEvents() {
    }

    /** The container's run started: its connects and mounts, then {@code start}. */
    static void started(EmbeddedEvents events, NetworkManager networks, String id, ContainerRecord config) {
        connections(events, networks, Action.CONNECT, id);
        for (ContainerRecord.MountRecord mount : config.mounts()) {
            if ("volume".equals(mount.type()) && !mount.volume().isEmpty()) {
                events.publish(EngineEvent.Type.VOLUME, Action.MOUNT, mount.volume(), Map.of(
                        EngineEvent.CONTAINER, id, "destination", mount.target(), "driver", LOCAL_DRIVER,
                        "propagation", "", "read/write", Boolean.toString(!mount.readOnly())));
            }
        }
        events.container(Action.START, id, config, Map.of());
    }

    /** The container's run ended with {@code exit}: {@code oom} if so, {@code die}, its disconnects and unmounts. */
    static void ended(EmbeddedEvents events, NetworkManager networks, String id, ContainerRecord config, ExitStatus exit) {
        if (exit.oomKilled()) {
            events.container(Action.OOM, id, config, Map.of());
        }
        events.container(Action.DIE, id, config, Map.of(EngineEvent.EXIT_CODE, Integer.toString(exit.code())));
        connections(events, networks, Action.DISCONNECT, id);
        for (ContainerRecord.MountRecord mount : config.mounts()) {
            if ("volume".equals(mount.type()) && !mount.volume().isEmpty()) {
                events.publish(EngineEvent.Type.VOLUME, Action.UNMOUNT, mount.volume(),
                        Map.of(EngineEvent.CONTAINER, id, "driver", LOCAL_DRIVER));
            }
        }
    }

    /** A network's attributes, as dockerd gives them on create, destroy, connect and disconnect. */
    static Map<String, String> network(NetworkInfo network) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(EngineEvent.NAME, network.name());
        attributes.put("type", network.driver());
        return attributes;
    }

    private static void connections(EmbeddedEvents events, NetworkManager networks, Action action, String id) {
        try {
            // host and none are no networks of ours here: nothing is connected
            for (String name : networks.addresses(id).keySet()) {
                if (name.equals("host") || name.equals("none")) {
                    continue;
                }
                NetworkInfo network = networks.inspect(name);
                Map<String, String> attributes = network(network);
                attributes.put(EngineEvent.CONTAINER, id);
                events.publish(EngineEvent.Type.NETWORK, action, network.id(), attributes);
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot describe the networks of container {} for its {} events: {}", id, action.dockerName(),
                    e.toString());
        }
    }
}
