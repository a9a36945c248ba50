package dev.stevedore.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * When an engine starts a container again after its command ended, as {@code docker run --restart} says: never
 * ({@link Kind#NO}, the default), after a failure (a non-zero exit) at most {@code maximumRetries} times (0: no
 * bound), always, or always unless a user stopped it. A container that a user stopped or killed is not restarted;
 * between two restarts the engine waits 100 ms, doubled each time, back to 100 ms once a run lasted 10 s (Docker's
 * backoff). {@link ContainerInfo#restartCount()} counts the restarts since the last start by a user.
 *
 * @param kind           which policy
 * @param maximumRetries for {@link Kind#ON_FAILURE}: the most restarts, 0 for no bound; 0 for every other kind
 */
public record RestartPolicy(Kind kind, int maximumRetries) {

    /** The policies by Docker's names. */
    public enum Kind {
        /** {@code no}: never restarted. */
        NO("no"),
        /** {@code on-failure[:N]}: restarted when it exits with a code other than 0. */
        ON_FAILURE("on-failure"),
        /** {@code always}: restarted whenever it ends, unless a user stopped it; also after its engine came back. */
        ALWAYS("always"),
        /** {@code unless-stopped}: as always, but one a user stopped stays stopped after its engine came back too. */
        UNLESS_STOPPED("unless-stopped");

        private final String dockerName;

        Kind(String dockerName) {
            this.dockerName = dockerName;
        }

        /** Docker's name: {@code no}, {@code on-failure}, {@code always}, {@code unless-stopped}. */
        public String dockerName() {
            return dockerName;
        }
    }

    /** Never restarted: the default. */
    public static final RestartPolicy NO = new RestartPolicy(Kind.NO, 0);

    public RestartPolicy {
        if (kind == null) {
            throw new IllegalArgumentException("a restart policy needs a kind (no, on-failure, always, unless-stopped)");
        }
        if (maximumRetries < 0) {
            throw new IllegalArgumentException("restart policy " + kind.dockerName + ": the maximum retry count "
                    + maximumRetries + " is negative");
        }
        if (maximumRetries > 0 && kind != Kind.ON_FAILURE) {
            throw new IllegalArgumentException("restart policy " + kind.dockerName + ": a maximum retry count ("
                    + maximumRetries + ") goes only with on-failure");
        }
    }

    /**
     * Parses Docker's {@code --restart} value: {@code no}, {@code on-failure}, {@code on-failure:3}, {@code always},
     * {@code unless-stopped}; empty or {@code null} is {@link #NO}.
     */
    public static RestartPolicy parse(String value) {
        if (value == null || value.isEmpty()) {
            return NO;
        }
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        int retries = 0;
        if (colon >= 0) {
            try {
                retries = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("restart policy \"" + value + "\": the maximum retry count after ':'"
                        + " is not a number");
            }
        }
        return of(name, retries);
    }

    /** The policy of Docker's name ({@code HostConfig.RestartPolicy.Name}, empty for {@code no}) and retry count. */
    public static RestartPolicy of(String dockerName, int maximumRetries) {
        String name = dockerName == null ? "" : dockerName.toLowerCase(Locale.ROOT);
        for (Kind kind : Kind.values()) {
            if (kind.dockerName.equals(name) || (name.isEmpty() && kind == Kind.NO)) {
                return new RestartPolicy(kind, maximumRetries);
            }
        }
        throw new IllegalArgumentException("restart policy \"" + dockerName + "\" is not one of no, on-failure[:N],"
                + " always, unless-stopped");
    }

    /**
     * Whether a run that ended with {@code exitCode} after {@code restartCount} restarts is started again; a run a
     * user stopped never is.
     */
    public boolean restartsAfter(int exitCode, int restartCount, boolean stoppedByUser) {
        if (stoppedByUser) {
            return false;
        }
        return switch (kind) {
            case NO -> false;
            case ON_FAILURE -> exitCode != 0 && (maximumRetries == 0 || restartCount < maximumRetries);
            case ALWAYS, UNLESS_STOPPED -> true;
        };
    }

    /** As Docker writes it: {@code on-failure:2}, {@code always}. */
    @Override
    public String toString() {
        return kind == Kind.ON_FAILURE && maximumRetries > 0 ? kind.dockerName + ":" + maximumRetries : kind.dockerName;
    }

    // Written out rather than generated: a record's generated equals and hashCode link through ObjectMethods'
    // bootstrap on first use, spinning method-handle classes that no class-data archive keeps (see the CLI's
    // speed notes in docs/design.md); this type is on every short command's path.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof RestartPolicy other
                && kind == other.kind
                && maximumRetries == other.maximumRetries;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, maximumRetries);
    }
}
