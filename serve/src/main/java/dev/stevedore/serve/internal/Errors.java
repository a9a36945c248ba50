package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ImageConflictException;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.RegistryAuthenticationException;

import java.util.Locale;

/**
 * The engine's exceptions as the daemon's status codes ({@code daemon/server/httpstatus} in moby): what is
 * missing 404, what clashes with the state of things 409, what the request got wrong 400, the rest 500.
 * The engine's own exceptions have no finer types for most of these, so their messages decide.
 */
final class Errors {
    /** How the engine's port publishing failures begin (PublishedPorts). */
    private static final String PUBLISHING_PORTS = "publishing ports of container ";

    private Errors() {
    }

    static ApiException of(RuntimeException e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof ContainerNotFoundException missing) {
            return new ApiException(404, "No such container: " + missing.container(), e);
        }
        if (e instanceof ImageNotFoundException) {
            return new ApiException(404, message(e), e);
        }
        if (e instanceof ImageConflictException) {
            return new ApiException(409, message(e), e);
        }
        if (e instanceof RegistryAuthenticationException) {
            return new ApiException(401, message(e), e);
        }
        if (e instanceof InvalidImageReferenceException || e instanceof IllegalArgumentException) {
            return new ApiException(400, message(e), e);
        }
        if (e instanceof ContainerStartException && message(e).contains(PUBLISHING_PORTS)) {
            // dockerd 20.10: a host port taken at start is libnetwork's failure, a 500 (not the request's fault)
            return new ApiException(500, message(e), e);
        }
        if (e instanceof ContainerStartException) {
            // moby answers a command that cannot be executed with 400: the request named it
            return new ApiException(400, message(e), e);
        }
        String message = message(e);
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains(LogConfig.NOT_READABLE)) {
            return new ApiException(501, LogConfig.NOT_READABLE, e); // dockerd's status and words (log driver none)
        }
        if (lower.contains("no such network") || lower.contains("no such volume") || lower.contains("no such exec")) {
            return new ApiException(404, message, e);
        }
        if (lower.contains("predefined") || lower.contains("address already in use:")) {
            // dockerd: 403 for a static address held already (libnetwork's ipamapi.ErrIPAlreadyAllocated is Forbidden)
            return new ApiException(403, message, e);
        }
        if (lower.contains("already in use") || lower.contains("with that name exists") || lower.contains("not running")
                || lower.contains("containers are on it") || lower.contains("is running") || lower.contains("uses it")
                || lower.contains("is already")) {
            return new ApiException(409, message, e);
        }
        return new ApiException(500, message, e);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
