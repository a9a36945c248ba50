package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;

/**
 * The Docker daemon answered a call with a status outside 2xx. Operations catch it to turn the statuses
 * they expect (404 for a missing image, 409 for a conflict) into the public exceptions; anything left
 * reaches the caller as a {@link ContainerEngineException} that quotes the daemon.
 */
final class DockerApiException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String daemonMessage;

    DockerApiException(String call, DockerEndpoint endpoint, int status, String daemonMessage) {
        super(call + " on the Docker daemon at " + endpoint.uri() + " failed: " + status
                + (daemonMessage.isEmpty() ? "" : " " + daemonMessage));
        this.status = status;
        this.daemonMessage = daemonMessage;
    }

    /** The HTTP status the daemon answered with. */
    int status() {
        return status;
    }

    /** The daemon's own words ({@code No such image: busybox:nope}), or empty. */
    String daemonMessage() {
        return daemonMessage;
    }
}
