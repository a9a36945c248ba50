package dev.stevedore.engine;

import java.util.Objects;
import java.util.Set;

/**
 * A file system mounted into a container: a host path (bind), a named volume, or a tmpfs.
 *
 * @param type     what is mounted
 * @param source   the host path (bind), the volume name (volume; in a spec empty for an anonymous one, which the engine
 *                 makes with a generated name that {@link ContainerInfo#mounts()} shows), or empty (tmpfs)
 * @param target   the absolute path inside the container
 * @param readOnly whether the container may only read it
 * @param options  tmpfs options such as {@code size=64m,mode=1777}; for a bind or a volume, its mode as the request
 *                 wrote it ({@code ro}, {@code rw}, {@code z}, {@code ro,z}, ...; {@code readOnly} says what applies),
 *                 which inspect echoes as dockerd does; empty when none was written
 */
public record Mount(Type type, String source, String target, boolean readOnly, String options) {

    /** The kinds of mount. */
    public enum Type { BIND, VOLUME, TMPFS }

    public Mount {
        Objects.requireNonNull(type, "type");
        source = source == null ? "" : source;
        options = options == null ? "" : options;
        if (target == null || !target.startsWith("/")) {
            throw new IllegalArgumentException("mount target \"" + target + "\" must be an absolute path in the container");
        }
        if (type == Type.BIND && !source.startsWith("/")) {
            throw new IllegalArgumentException("bind mount source \"" + source + "\" must be an absolute host path");
        }
    }

    public static Mount bind(String hostPath, String containerPath, boolean readOnly) {
        return new Mount(Type.BIND, hostPath, containerPath, readOnly, "");
    }

    public static Mount volume(String name, String containerPath, boolean readOnly) {
        return new Mount(Type.VOLUME, name, containerPath, readOnly, "");
    }

    public static Mount tmpfs(String containerPath, String options) {
        return new Mount(Type.TMPFS, "", containerPath, false, options);
    }

    /** The words a {@code -v} mode may hold, as dockerd's parser takes them. */
    private static final Set<String> MODES = Set.of("ro", "rw", "z", "Z", "nocopy", "shared", "rshared", "slave",
            "rslave", "private", "rprivate", "consistent", "cached", "delegated");

    /**
     * Parses Docker's {@code -v} syntax: {@code /host:/ctr[:MODE]} (bind) or {@code name:/ctr[:MODE]} (volume), the mode
     * a comma-separated list of dockerd's words ({@code ro}, {@code rw}, {@code z}, {@code Z}, {@code nocopy},
     * propagation such as {@code rshared}). The mode is kept as written in {@link #options()}, so inspect echoes it as
     * dockerd does; of its words only {@code ro} changes what the engines do here.
     *
     * @throws IllegalArgumentException in dockerd's words ({@code invalid volume specification}, {@code invalid mode})
     *                                  when {@code spec} is not one
     */
    public static Mount parse(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("invalid volume specification: '" + spec + "': give SRC:DST[:MODE]");
        }
        String mode = parts.length == 3 ? parts[2] : "";
        boolean readOnly = false;
        for (String word : mode.isEmpty() ? new String[0] : mode.split(",", -1)) {
            if (!MODES.contains(word)) {
                throw new IllegalArgumentException("invalid mode: " + mode + " (in '" + spec + "'; a mode is a comma-separated"
                        + " list of " + String.join(", ", MODES.stream().sorted().toList()) + ")");
            }
            readOnly |= word.equals("ro");
        }
        try {
            return new Mount(parts[0].startsWith("/") ? Type.BIND : Type.VOLUME, parts[0], parts[1], readOnly, mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid volume specification: '" + spec + "': " + e.getMessage(), e);
        }
    }
}
