package dev.stevedore.engine;

/**
 * An entry of {@link ContainerSpec#volumesFrom()} ({@code --volumes-from NAME[:ro|rw]}).
 *
 * @param container the container whose volume and bind mounts are taken
 * @param mode      {@code ro}, {@code rw}, or {@code ""} to keep each mount's own
 */
public record VolumesFrom(String container, String mode) {

    /**
     * The entry written {@code NAME}, {@code NAME:ro} or {@code NAME:rw}.
     *
     * @throws IllegalArgumentException for an empty name or a mode other than {@code ro} and {@code rw}
     */
    public static VolumesFrom parse(String entry) {
        int colon = entry.indexOf(':');
        String mode = colon < 0 ? "" : entry.substring(colon + 1);
        if (colon == 0 || entry.isEmpty() || !(mode.isEmpty() || mode.equals("ro") || mode.equals("rw"))) {
            // dockerd's words for a bad mode
            throw new IllegalArgumentException("invalid mode for volumes-from: " + entry + " (NAME, NAME:ro or NAME:rw)");
        }
        return new VolumesFrom(colon < 0 ? entry : entry.substring(0, colon), mode);
    }
}
