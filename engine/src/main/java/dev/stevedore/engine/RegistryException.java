package dev.stevedore.engine;

/**
 * A registry refused or failed a request. Carries the registry host, the reference that was being
 * pulled and the HTTP status ({@code 0} when no response arrived).
 */
public class RegistryException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String registry;
    private final ImageReference reference;
    private final int status;

    public RegistryException(String message, String registry, ImageReference reference, int status, Throwable cause) {
        super(message, cause);
        this.registry = registry;
        this.reference = reference;
        this.status = status;
    }

    public RegistryException(String message, String registry, ImageReference reference, int status) {
        this(message, registry, reference, status, null);
    }

    /** The registry host (and port) that was asked, e.g. {@code registry-1.docker.io}. */
    public String registry() {
        return registry;
    }

    /** The image reference being resolved or pulled. */
    public ImageReference reference() {
        return reference;
    }

    /** The HTTP status the registry answered with, or {@code 0} when it did not answer. */
    public int status() {
        return status;
    }
}
