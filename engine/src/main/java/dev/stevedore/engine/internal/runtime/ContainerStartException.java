package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;

/**
 * A container could not be started: its setup failed in the launcher, or its command could not be
 * executed. Carries the failed step, the errno and the path involved.
 *
 * <p>Lives here until the public API gets its own subclass of {@link ContainerEngineException} for it.
 */
public class ContainerStartException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;

    private final String step;
    private final int errno;
    private final String path;

    public ContainerStartException(String message, String step, int errno, String path) {
        super(message);
        this.step = step;
        this.errno = errno;
        this.path = path;
    }

    /** What the launcher was doing, e.g. {@code "exec"} or {@code "mount /proc"}. */
    public String step() {
        return step;
    }

    /** The errno the step failed with, 0 when none applies. */
    public int errno() {
        return errno;
    }

    /** The path the step worked on, possibly empty. */
    public String path() {
        return path;
    }
}
