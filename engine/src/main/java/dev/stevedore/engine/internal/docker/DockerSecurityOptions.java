package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;

/** What a daemon's {@code GET /info} says in {@code SecurityOptions}, read as the docker CLI reads it. */
final class DockerSecurityOptions {
    private DockerSecurityOptions() {
    }

    /**
     * Whether the daemon runs rootless: an option {@code name=rootless} ({@code name=seccomp,profile=builtin} has
     * fields after the name). {@code false} when the daemon cannot be asked: version and info still print what they
     * know without it.
     */
    static boolean rootless(DockerApi api) {
        try {
            for (JsonNode option : api.call("GET", "/info").json().path("SecurityOptions")) {
                if (java.util.List.of(option.asText().split(",")).contains("name=rootless")) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException unreachable) {
            return false;
        }
    }
}
