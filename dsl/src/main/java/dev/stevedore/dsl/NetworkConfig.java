package dev.stevedore.dsl;

import java.util.LinkedHashMap;
import java.util.Map;

/** The mutable spec of a network, handed to a {@link Configurer} lambda; frozen when the lambda returns. */
public final class NetworkConfig {
    String subnet;
    boolean internal;
    final Map<String, String> labels = new LinkedHashMap<>();

    NetworkConfig() {
    }

    /** Its IPv4 subnet in CIDR form; by default the engine picks a free one. */
    public NetworkConfig subnet(String cidr) {
        this.subnet = cidr;
        return this;
    }

    /** Cuts the network off from the host's other networks: its containers reach only each other. */
    public NetworkConfig internal(boolean value) {
        this.internal = value;
        return this;
    }

    public NetworkConfig label(String key, String value) {
        labels.put(key, value);
        return this;
    }
}
