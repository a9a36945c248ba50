package dev.stevedore.engine;

/**
 * The root of every exception Stevedore throws. Unchecked: a container that cannot be had is a failed
 * test or build, not a condition callers recover from case by case.
 *
 * <p>Messages say what was being done, to what, what happened and what to do about it. Subclasses carry
 * the data a caller may want to act on.
 */
public class ContainerEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContainerEngineException(String message) {
        super(message);
    }

    public ContainerEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
