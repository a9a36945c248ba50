package dev.stevedore.engine;

import java.util.Objects;

/**
 * A host device node made visible in a container ({@code docker run --device HOST[:CONTAINER[:PERMS]]},
 * {@code HostConfig.Devices}): the node appears at {@code pathInContainer} and the container's device policy lets its
 * processes use it as {@code cgroupPermissions} say ({@code r} read, {@code w} write, {@code m} mknod).
 *
 * <p>The host path must name a character or block device when the container is created (the embedded engine) or
 * started (dockerd), else that fails with dockerd's words ({@code not a device node}). A rootless engine binds the
 * host's node, so the user running it must be able to open it as asked.
 *
 * @param pathOnHost        the device node on the host, absolute
 * @param pathInContainer   where it appears in the container, absolute (by default the host path)
 * @param cgroupPermissions one to three of {@code r}, {@code w}, {@code m}, each once (by default {@code rwm})
 */
public record Device(String pathOnHost, String pathInContainer, String cgroupPermissions) {
    /** Docker's default permissions: read, write and mknod. */
    public static final String ALL_PERMISSIONS = "rwm";

    public Device {
        Objects.requireNonNull(pathOnHost, "pathOnHost");
        pathInContainer = pathInContainer == null || pathInContainer.isEmpty() ? pathOnHost : pathInContainer;
        cgroupPermissions = cgroupPermissions == null || cgroupPermissions.isEmpty() ? ALL_PERMISSIONS : cgroupPermissions;
        if (!validPermissions(cgroupPermissions)) {
            // the docker CLI's words
            throw new IllegalArgumentException("bad mode specified: " + cgroupPermissions + " (one to three of r, w, m)");
        }
        if (!pathOnHost.startsWith("/") || !pathInContainer.startsWith("/")) {
            // dockerd's words for a relative path
            throw new IllegalArgumentException("invalid device specification: " + pathOnHost + ":" + pathInContainer
                    + " (the host path and the path in the container must be absolute)");
        }
        if (pathInContainer.equals("/") || (pathInContainer + "/").contains("/../") || (pathInContainer + "/").contains("/./")) {
            throw new IllegalArgumentException("invalid device specification: " + pathInContainer
                    + " (a path in the container without . or .. components)");
        }
    }

    /**
     * Parses the docker CLI's {@code --device} value: {@code HOST}, {@code HOST:CONTAINER}, {@code HOST:PERMS} or
     * {@code HOST:CONTAINER:PERMS}, as the docker CLI splits it.
     */
    public static Device parse(String value) {
        String[] parts = value.split(":", -1);
        return switch (parts.length) {
            case 1 -> new Device(parts[0], null, null);
            case 2 -> validPermissions(parts[1]) ? new Device(parts[0], null, parts[1]) : new Device(parts[0], parts[1], null);
            case 3 -> new Device(parts[0], parts[1], parts[2]);
            default -> throw new IllegalArgumentException("invalid device specification: " + value
                    + " (use HOST[:CONTAINER[:PERMS]])");
        };
    }

    /** Whether the container may read the device. */
    public boolean readable() {
        return cgroupPermissions.indexOf('r') >= 0;
    }

    /** Whether the container may write the device. */
    public boolean writable() {
        return cgroupPermissions.indexOf('w') >= 0;
    }

    private static boolean validPermissions(String mode) {
        if (mode.isEmpty() || mode.length() > 3) {
            return false;
        }
        for (int i = 0; i < mode.length(); i++) {
            char c = mode.charAt(i);
            if ("rwm".indexOf(c) < 0 || mode.indexOf(c) != i) {
                return false;
            }
        }
        return true;
    }

    /** {@code HOST:CONTAINER:PERMS}, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return pathOnHost + ":" + pathInContainer + ":" + cgroupPermissions;
    }
}
