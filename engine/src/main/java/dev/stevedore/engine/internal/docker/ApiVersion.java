package dev.stevedore.engine.internal.docker;

/**
 * A Docker Engine API version such as {@code 1.41}, compared numerically ({@code 1.9 < 1.10}).
 *
 * @param major the part before the dot (1 for every Docker release so far)
 * @param minor the part after the dot
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    /** The oldest API Stevedore speaks: Docker 19.03. */
    public static final ApiVersion MINIMUM = new ApiVersion(1, 40);
    /** The newest API Stevedore asks for: Docker 25.0. Newer daemons still serve it. */
    public static final ApiVersion MAXIMUM = new ApiVersion(1, 44);

    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative API version " + major + "." + minor);
        }
    }

    /**
     * Parses {@code 1.41} (a leading {@code v} is allowed).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ApiVersion parse(String text) {
        String s = text.strip();
        if (s.startsWith("v")) {
            s = s.substring(1);
        }
        int dot = s.indexOf('.');
        try {
            if (dot <= 0 || dot == s.length() - 1) {
                throw new NumberFormatException();
            }
            return new ApiVersion(Integer.parseInt(s.substring(0, dot)), Integer.parseInt(s.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an API version like 1.41");
        }
    }

    /** The version both sides speak: the lower of the daemon's and {@link #MAXIMUM}. */
    public static ApiVersion negotiate(ApiVersion daemon) {
        return daemon.compareTo(MAXIMUM) < 0 ? daemon : MAXIMUM;
    }

    /** Whether this is at least {@code other}. */
    public boolean atLeast(ApiVersion other) {
        return compareTo(other) >= 0;
    }

    /** The path prefix requests carry: {@code /v1.41}. */
    public String pathPrefix() {
        return "/v" + this;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
