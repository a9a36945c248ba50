package dev.stevedore.dsl.compose;

import dev.stevedore.engine.ContainerEngineException;

/**
 * A compose file cannot be used: it cannot be read, is not valid YAML, has a wrong value, or uses a key Stevedore
 * does not support. The message starts with the file and where in it:
 * {@code compose.yaml: service "web": key "privileged" is not supported}.
 */
public final class ComposeFileException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;

    public ComposeFileException(String message) {
        super(message);
    }

    public ComposeFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
