package dev.stevedore.engine.internal.docker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The labels Stevedore puts on every object it creates in a Docker daemon (containers, networks, volumes),
 * and how a later engine decides whether such an object was left behind by a JVM that is gone.
 *
 * <h2>Cleanup without a sidecar</h2>
 * Testcontainers starts Ryuk, a privileged container holding the Docker socket, to remove what a killed
 * JVM left. Stevedore does without it:
 * <ol>
 *   <li><b>Label.</b> Each object gets {@value #SESSION}{@code =<uuid of this engine>} and
 *       {@value #OWNER}{@code =<host>/<pid>/<process start, epoch ms>} ({@link Owner}). The start time makes
 *       the owner unique although pids are reused.</li>
 *   <li><b>Normal exit.</b> {@code DockerEngine.close()} (and a shutdown hook the engine registers while
 *       objects exist) removes everything with this engine's session label: containers (forced, with their
 *       anonymous volumes), then networks, then volumes — the order the daemon needs.</li>
 *   <li><b>Sweep on start.</b> When an engine first connects it lists containers, networks and volumes
 *       with an {@value #OWNER} label ({@code filters={"label":["dev.stevedore.owner"]}}) and removes those
 *       whose owner {@link Owner#isGone(String) is gone}: same host, and no live process with that pid and
 *       start time. Objects of other hosts (a shared remote daemon) cannot be judged by liveness; they are
 *       removed only when older than {@link #FOREIGN_GRACE_HOURS} hours by their {@code Created} time, so a
 *       long CI job on another machine keeps its containers.</li>
 *   <li><b>Races.</b> Two engines sweeping at once may both try to remove one object; a 404 or 409 ("removal
 *       already in progress") from the daemon counts as done.</li>
 * </ol>
 * Images are never swept: they are a cache shared with the user's own work. A container, network or volume whose
 * labels carry {@value #KEEP}{@code =true} is meant to outlive its engine (a CLI's {@code run -d}, {@code network
 * create}, {@code volume create}): it gets neither label, so neither cleanup nor sweep ever touches it.
 */
public final class Labels {
    /** The engine instance (one per {@code DockerEngine}) that created the object. */
    public static final String SESSION = "dev.stevedore.session";
    /** The process that created it: {@code host/pid/start-epoch-millis}. */
    public static final String OWNER = "dev.stevedore.owner";
    /** A label that exempts a container, network or volume from cleanup: {@code dev.stevedore.keep=true}. */
    public static final String KEEP = dev.stevedore.engine.ContainerSpec.KEEP_LABEL;
    /** How old an object of another host must be before a sweep removes it. */
    public static final int FOREIGN_GRACE_HOURS = 24;

    private Labels() {
    }

    /** The labels for an object created by engine {@code session} in this process, with the user's labels after them. */
    public static Map<String, String> forSession(UUID session, Map<String, String> userLabels) {
        Map<String, String> labels = new LinkedHashMap<>(userLabels);
        labels.put(SESSION, session.toString());
        labels.put(OWNER, Owner.current().toString());
        return labels;
    }

    /**
     * The labels for an object created by engine {@code session}: {@link #forSession} unless the user's labels carry
     * {@value #KEEP}{@code =true}, which asks for an object that outlives the engine (a CLI's {@code run -d},
     * {@code network create}, {@code volume create}); that one gets only the user's labels, so no cleanup touches it.
     */
    public static Map<String, String> forSessionUnlessKept(UUID session, Map<String, String> userLabels) {
        return "true".equals(userLabels.get(KEEP)) ? new LinkedHashMap<>(userLabels) : forSession(session, userLabels);
    }

    /** The Docker {@code filters} JSON that selects this session's objects. */
    public static String sessionFilter(UUID session) {
        return "{\"label\":[\"" + SESSION + "=" + session + "\"]}";
    }

    /** The Docker {@code filters} JSON that selects every object Stevedore created, for the sweep. */
    public static String ownedFilter() {
        return "{\"label\":[\"" + OWNER + "\"]}";
    }

    /**
     * The process that owns an object.
     *
     * @param host  the host name the owner ran on
     * @param pid   its process id
     * @param start when it started, to tell it from a later process with the same pid
     */
    public record Owner(String host, long pid, Instant start) {
        public Owner {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(start, "start");
            if (host.contains("/")) {
                throw new IllegalArgumentException("host name with '/': " + host);
            }
        }

        /** This JVM. */
        public static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(hostName(), self.pid(), self.info().startInstant().orElse(Instant.EPOCH));
        }

        /** Reads an {@value #OWNER} label value; empty when it is not one. */
        public static Optional<Owner> parse(String label) {
            if (label == null) {
                return Optional.empty();
            }
            String[] parts = label.split("/");
            if (parts.length != 3 || parts[0].isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Owner(parts[0], Long.parseLong(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2]))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /**
         * Whether this owner is certainly gone: it ran on {@code thisHost} and no process with its pid and
         * start time (to the second, as {@code /proc} reports it) is alive; a live process with that pid whose
         * start cannot be read counts as the owner. Owners on other hosts are never
         * certainly gone.
         */
        public boolean isGone(String thisHost) {
            if (!host.equals(thisHost)) {
                return false;
            }
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return true;
            }
            // a live process whose start cannot be read might be the owner: keep its objects
            return process.get().info().startInstant()
                    .map(started -> Math.abs(started.toEpochMilli() - start.toEpochMilli()) >= 1000)
                    .orElse(false);
        }

        @Override
        public String toString() {
            return host + "/" + pid + "/" + start.toEpochMilli();
        }
    }

    /** This machine's name, as the owner label records it. */
    public static String hostName() {
        String name;
        try {
            name = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            name = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
        return name.replace('/', '_');
    }
}
