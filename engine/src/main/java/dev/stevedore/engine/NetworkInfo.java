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
 */
public record NetworkInfo(String id, String name, String driver, String subnet, String gateway, Map<String, String> labels,
                          Map<String, String> containers) {
    public NetworkInfo {
        labels = Map.copyOf(labels);
        containers = Map.copyOf(containers);
    }
}
