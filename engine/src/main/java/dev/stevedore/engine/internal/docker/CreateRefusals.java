package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageReference;

/**
 * What the Docker backend refuses at create, before it asks the daemon: what a spec asks that the daemon would drop
 * without a word, or that the backend will not do — each with why and what to do instead.
 */
final class CreateRefusals {
    /** The API version that knows {@code Healthcheck.StartInterval}. */
    private static final ApiVersion START_INTERVAL_API = new ApiVersion(1, 44);
    /** The API version that knows {@code HostConfig.Annotations}. */
    private static final ApiVersion ANNOTATIONS_API = new ApiVersion(1, 43);

    private CreateRefusals() {
    }

    static void check(ContainerSpec spec, String image, DockerApi api) {
        if (!spec.exposedHostPorts().isEmpty()) {
            throw hostPortsRefused(spec, image);
        }
        if (spec.healthCheck() != null && !spec.healthCheck().startInterval().isZero()
                && !api.version().atLeast(START_INTERVAL_API)) {
            // an older dockerd ignores the field: refused rather than accepted and dropped
            throw new ContainerEngineException(creating(spec, image) + " failed: the Docker daemon at "
                    + api.endpoint().uri() + " speaks API " + api.version().major() + "." + api.version().minor()
                    + ", which has no health check start interval (API 1.44, Docker 25); leave startInterval out or use a"
                    + " newer Docker");
        }
        if (!spec.annotations().isEmpty() && !api.version().atLeast(ANNOTATIONS_API)) {
            // not mapped onto labels: a label is another thing (filters match it, the image's are merged in)
            throw new ContainerEngineException(creating(spec, image) + " failed: the Docker daemon at "
                    + api.endpoint().uri() + " speaks API " + api.version().major() + "." + api.version().minor()
                    + ", which has no container annotations (HostConfig.Annotations, API 1.43, Docker 24) and would drop"
                    + " them; leave annotations out, use labels, or use a newer Docker");
        }
    }

    private static String creating(ContainerSpec spec, String image) {
        return "Creating container " + (spec.name() == null ? "" : "\"" + spec.name() + "\" ") + "from " + image;
    }

    /**
     * Why the Docker backend does not expose host ports: a container of dockerd's reaches the host only on an address
     * of the host (its bridge's gateway), where every other container on that bridge, and whatever routes to it, could
     * connect too; a relay there would open the test's loopback server to them. Testcontainers' answer is an SSH
     * sidecar container, which Stevedore does not run.
     */
    private static ContainerEngineException hostPortsRefused(ContainerSpec spec, String image) {
        return new ContainerEngineException(creating(spec, image)
                + " failed: the Docker backend cannot expose host ports " + spec.exposedHostPorts()
                + " to it: dockerd gives a container no way to the host's loopback, and a relay on the bridge's gateway"
                + " would open them to every container on that bridge; use the embedded engine (STEVEDORE_ENGINE=embedded),"
                + " or let the server listen on the bridge's gateway address and add the host with"
                + " extraHost(\"host.stevedore.internal\", \"host-gateway\")");
    }
}
