package dev.stevedore.engine.internal.network;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How a container is networked. A container's network setting ({@code ContainerSpec.networkMode()}) is
 * parsed into it once, with {@link #of(String)}; records keep it in lower case ({@code bridge}, {@code host},
 * {@code none}), as Docker names the modes.
 */
public enum NetworkMode {
    /** On one or more bridge networks, each with its own interface. */
    BRIDGE,
    /** In the host's network namespace. */
    HOST,
    /** Alone, with only a loopback interface. */
    NONE;

    /**
     * The mode a network setting asks for: {@code host}, {@code none}, or a bridge network for anything else
     * ({@code null}, {@code default}, {@code bridge}, a network's name or id). {@code container:<id>} (sharing another
     * container's network namespace, which the launcher joins) is {@code none} here: nothing of its own to wire.
     */
    public static NetworkMode of(String setting) {
        if (setting == null) {
            return BRIDGE;
        }
        if (setting.startsWith("container:")) {
            return NONE;
        }
        return switch (setting) {
            case "host" -> HOST;
            case "none" -> NONE;
            default -> BRIDGE;
        };
    }

    /** As records and Docker's inspect name it: {@code bridge}, {@code host} or {@code none}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    static NetworkMode fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
