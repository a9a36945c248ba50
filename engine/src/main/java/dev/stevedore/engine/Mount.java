package dev.stevedore.engine;

import java.util.Objects;

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

    /**
     * Parses Docker's {@code -v} syntax: {@code /host:/ctr[:ro|rw]} (bind) or {@code name:/ctr[:ro]} (volume).
     */
    public static Mount parse(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("volume \"" + spec + "\" is not SRC:DST[:ro|rw]");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            switch (parts[2]) {
                case "ro" -> readOnly = true;
                case "rw" -> readOnly = false;
                default -> throw new IllegalArgumentException("volume \"" + spec + "\": mode must be ro or rw, not " + parts[2]);
            }
        }
        return parts[0].startsWith("/") ? bind(parts[0], parts[1], readOnly) : volume(parts[0], parts[1], readOnly);
    }
}
