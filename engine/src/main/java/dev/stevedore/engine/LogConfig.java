package dev.stevedore.engine;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a container's output goes, as {@code docker run --log-driver TYPE --log-opt KEY=VALUE} says
 * ({@code HostConfig.LogConfig}).
 *
 * <p>The embedded engine takes {@code json-file} (the default) and {@code local}, and keeps its own log format for
 * both (timestamped records read back by {@link ContainerEngine#logs}); and {@code none}, which keeps nothing: the
 * output is discarded and {@link ContainerEngine#logs} fails with dockerd's words, {@value #NOT_READABLE}. It takes
 * no options: its log is one file per stream, not rotated, so {@code max-size}/{@code max-file} are refused by name
 * rather than dropped. Any other driver is refused at create. The Docker backend passes the configuration to dockerd,
 * which judges it.
 *
 * @param type    the driver's name; never blank
 * @param options the driver's options ({@code --log-opt}), sorted by name
 */
public record LogConfig(String type, Map<String, String> options) {

    /** dockerd's message for the logs of a container whose driver keeps nothing. */
    public static final String NOT_READABLE = "configured logging driver does not support reading";

    /** Docker's default: {@code json-file}, no options. */
    public static final LogConfig DEFAULT = new LogConfig("json-file", Map.of());

    /** The drivers the embedded engine honours. */
    public static final Set<String> EMBEDDED_TYPES = Set.of("json-file", "local", "none");

    public LogConfig {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("a log configuration needs a driver name (json-file, local, none)");
        }
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** {@code type} without options. */
    public static LogConfig of(String type) {
        return new LogConfig(type, Map.of());
    }

    /** Whether this driver keeps nothing to read back ({@code none}). */
    public boolean keepsNothing() {
        return type.equals("none");
    }

    /**
     * Refuses what the embedded engine cannot honour, with an {@link IllegalArgumentException} naming the driver or
     * the option and saying why.
     */
    public void requireEmbedded() {
        if (!EMBEDDED_TYPES.contains(type)) {
            // dockerd's words for an unknown driver, then ours
            throw new IllegalArgumentException("error looking up logging plugin " + type + ": plugin \"" + type
                    + "\" not found; the embedded engine keeps json-file, local and none only");
        }
        if (!options.isEmpty()) {
            String option = options.keySet().iterator().next();
            throw new IllegalArgumentException("log option " + option + " (--log-opt) for log driver " + type
                    + ": the embedded engine keeps one log file per stream and does not rotate or tune it; leave the"
                    + " option out");
        }
    }

    @Override
    public String toString() {
        return options.isEmpty() ? type : type + " " + options;
    }
}
