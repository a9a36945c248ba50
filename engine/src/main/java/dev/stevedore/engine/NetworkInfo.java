package dev.stevedore.engine;

import java.util.Map;

/**
 * A network as the engine knows it.
 *
 * @param id         its id
 * @param name       its name
 * @param driver     {@code bridge}, {@code host} or {@code null}
 * @param subnet     its IPv4 subnet (CIDR), or empty for {@code host}/{@code none}
 * @param gateway    the host's address on it, or empty
 * @param labels     labels
 * @param containers the containers on it: container id → its IPv4 address there
 * @param internal   whether it was made internal ({@link NetworkSpec#internal()})
 * @param attachable whether it was made attachable ({@link NetworkSpec#attachable()})
 */
public record NetworkInfo(String id, String name, String driver, String subnet, String gateway, Map<String, String> labels,
                          Map<String, String> containers, boolean internal, boolean attachable) {
    public NetworkInfo {
        labels = Map.copyOf(labels);
        containers = Map.copyOf(containers);
    }

    /** A network neither internal nor attachable. */
    public NetworkInfo(String id, String name, String driver, String subnet, String gateway, Map<String, String> labels,
                       Map<String, String> containers) {
        this(id, name, driver, subnet, gateway, labels, containers, false, false);
    }
}
