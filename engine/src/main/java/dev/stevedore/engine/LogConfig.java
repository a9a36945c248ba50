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
 * both (timestamped records read back by {@link ContainerEngine#logs}, one file per stream); and {@code none}, which
 * keeps nothing: the output is discarded and {@link ContainerEngine#logs} fails with dockerd's words,
 * {@value #NOT_READABLE}. Both rotate as dockerd's json-file does: {@code max-size} (bytes, or a number with
 * {@code k}, {@code m}, {@code g}: binary multiples) and {@code max-file} (files kept per stream, default 1);
 * {@code local} rotates at its Docker defaults (20 MB, 5 files) unless told otherwise. Rotated files are kept
 * uncompressed, so {@code compress=true} is refused; json-file's attribute options ({@code labels}, {@code env},
 * {@code tag} and their regex forms) are refused by name, and an option the driver does not know with dockerd's
 * words. The embedded engine judges the options at create (dockerd: at start). Any other driver is refused at
 * create. The Docker backend passes the configuration to dockerd, which judges it.
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
     * Refuses a driver the embedded engine does not have, with an {@link IllegalArgumentException} naming it (the
     * embedded engine judges the options when it creates the container).
     */
    public void requireEmbedded() {
        if (!EMBEDDED_TYPES.contains(type)) {
            // dockerd's words for an unknown driver, then ours
            throw new IllegalArgumentException("error looking up logging plugin " + type + ": plugin \"" + type
                    + "\" not found; the embedded engine keeps json-file, local and none only");
        }
    }

    @Override
    public String toString() {
        return options.isEmpty() ? type : type + " " + options;
    }
}
