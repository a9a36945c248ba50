package dev.stevedore.serve.internal;

/** The Docker Engine API versions the server speaks, and what it calls itself. */
final class DockerApiVersions {
    /**
     * The newest API version served. Clients take the lower of this and their own newest: the docker CLI
     * of Debian 12 asks for 1.41, Testcontainers pins 1.44 (falling back to 1.32).
     */
    static final String CURRENT = "1.45";
    /** The oldest: moby's own minimum; older prefixes are still answered, as the daemon's router does. */
    static final String MINIMUM = "1.24";
    /** The engine version reported to clients; Testcontainers wants at least 1.6.0. */
    static final String SERVER_VERSION = "26.1.0-stevedore";

    private DockerApiVersions() {
    }

    /** Whether {@code version} ({@code 1.41}) is at least {@code major.minor}; an unreadable one counts as new. */
    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
