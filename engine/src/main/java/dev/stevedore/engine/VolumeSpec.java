package dev.stevedore.engine;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A named volume to create: a directory the engine keeps apart from any container, which containers mount
 * with {@link Mount#volume} and which outlives them until it is removed.
 *
 * @param name   the volume's name ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}, at most 255 characters), or {@code null}
 *               for a generated one (64 hexadecimal digits, as Docker makes them)
 * @param labels labels
 */
public record VolumeSpec(String name, Map<String, String> labels) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    /**
     * The label (value empty) of a volume made for a mount without a name ({@code docker run -v /data}, an image's
     * {@code VOLUME}), as Docker 23 and later set it: {@code volume prune} removes only these unless asked for all.
     */
    public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    public VolumeSpec {
        if (name != null) {
            checkName(name);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A volume named {@code name} without labels. */
    public static VolumeSpec named(String name) {
        return new VolumeSpec(name, Map.of());
    }

    /** A volume with a generated name and these labels. */
    public static VolumeSpec generated(Map<String, String> labels) {
        return new VolumeSpec(null, labels);
    }

    /**
     * Checks a volume name as Docker's local driver does.
     *
     * @throws IllegalArgumentException naming the rule when {@code name} breaks it
     */
    public static String checkName(String name) {
        if (name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("volume name \"" + name + "\" must be 1 to 255 of letters, digits, '_', '.', '-'"
                    + " and start with a letter or digit (a name with a '/' is a host path: use a bind mount)");
        }
        return name;
    }
}
