package dev.stevedore.engine;

import java.util.Map;
import java.util.Objects;

/**
 * A user-defined network to create: containers on it reach each other by name and alias, and nothing on
 * other networks.
 *
 * @param name     the network's name
 * @param subnet   its IPv4 subnet in CIDR form, or {@code null} to take a free one from the engine's pool
 * @param labels   labels
 * @param internal   cut off from the host's other networks (containers reach only each other)
 * @param attachable whether containers started on their own (not as services) may join it: dockerd's flag for swarm
 *                   overlay networks, kept and shown as asked; every network here is attachable in that sense
 */
public record NetworkSpec(String name, String subnet, Map<String, String> labels, boolean internal, boolean attachable) {
    public NetworkSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("network name \"" + name + "\" must be 1 to 63 of letters, digits, '_', '.', '-'"
                    + " and start with a letter or digit");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A network as {@link #NetworkSpec(String, String, Map, boolean, boolean)}, not marked attachable. */
    public NetworkSpec(String name, String subnet, Map<String, String> labels, boolean internal) {
        this(name, subnet, labels, internal, false);
    }

    /** A network named {@code name} with a subnet from the pool. */
    public static NetworkSpec named(String name) {
        return new NetworkSpec(name, null, Map.of(), false);
    }
}
