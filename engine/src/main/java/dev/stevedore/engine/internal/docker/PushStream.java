package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PushListener;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.PushProgress.Phase;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads the progress stream of {@code POST /images/{name}/push} — one JSON object per event — and turns each
 * layer event ({@code Preparing}, {@code Pushing}, {@code Pushed}, {@code Layer already exists},
 * {@code Mounted from ...}) into a {@link PushProgress}; the {@code aux} object at the end carries the manifest
 * digest. An in-stream {@code errorDetail} ends the push with the exception it stands for (see {@link #failure}).
 * Layers are named as the daemon names them, by 12 hex digits.
 */
final class PushStream {
    private final ImageReference reference;
    private final PushListener listener;
    private final String daemon;
    private String digest;
    private long size;

    PushStream(ImageReference reference, PushListener listener, String daemon) {
        this.reference = reference;
        this.listener = listener;
        this.daemon = daemon;
    }

    /** The manifest digest the daemon reported, or {@code null} before the end. */
    String digest() {
        return digest;
    }

    /** The manifest's size the daemon reported, or 0. */
    long size() {
        return size;
    }

    /**
     * Reads events until the stream ends.
     *
     * @throws IOException when the stream breaks off
     * @throws RegistryException (or a subclass) for an error the daemon reported in the stream
     */
    void read(InputStream body) throws IOException {
        try (MappingIterator<JsonNode> events = DockerApi.MAPPER.readerFor(JsonNode.class).readValues(body)) {
            while (events.hasNextValue()) {
                handle(events.nextValue());
            }
        } catch (com.fasterxml.jackson.databind.RuntimeJsonMappingException e) {
            throw new IOException("the push progress stream is not JSON: " + e.getMessage(), e);
        }
    }

    /** Handles one event; visible for tests. */
    void handle(JsonNode event) {
        JsonNode errorDetail = event.get("errorDetail");
        if (errorDetail != null || event.hasNonNull("error")) {
            String message = errorDetail != null && errorDetail.hasNonNull("message")
                    ? errorDetail.get("message").asText() : event.path("error").asText("");
            throw failure(reference, message, 0, daemon);
        }
        JsonNode aux = event.get("aux");
        if (aux != null && aux.hasNonNull("Digest")) {
            digest = aux.get("Digest").asText();
            size = aux.path("Size").asLong(0);
            return;
        }
        String status = event.path("status").asText("");
        String id = event.path("id").asText("");
        if (status.contains(": digest: sha256:")) {
            String rest = status.substring(status.indexOf("sha256:"));
            digest = rest.split(" ")[0];
            return;
        }
        if (id.isEmpty()) {
            return;
        }
        JsonNode detail = event.path("progressDetail");
        Phase phase;
        if (status.startsWith("Mounted from")) {
            phase = Phase.MOUNTED;
        } else {
            phase = switch (status) {
                case "Preparing", "Waiting" -> Phase.PREPARING;
                case "Layer already exists" -> Phase.ALREADY_EXISTS;
                case "Pushing" -> Phase.PUSHING;
                case "Pushed" -> Phase.PUSHED;
                default -> null;
            };
        }
        if (phase != null) {
            emit(id, phase, detail.path("current").asLong(0), detail.path("total").asLong(0));
        }
    }

    void emit(String id, Phase phase, long current, long total) {
        try {
            listener.onProgress(new PushProgress(reference, id, phase, current, total));
        } catch (RuntimeException e) {
            // a listener must not throw; one that does must not break the push
        }
    }

    /**
     * The exception for a push the daemon refused, before the stream (with its HTTP status) or in it ({@code status}
     * 0): an image the daemon does not have is an {@link ImageNotFoundException}, refused credentials a
     * {@link RegistryAuthenticationException}, anything else a {@link RegistryException}.
     */
    static ContainerEngineException failure(ImageReference reference, String daemonMessage, int status, String daemon) {
        String registry = reference.apiHost();
        String lower = daemonMessage.toLowerCase(Locale.ROOT);
        String what = "Push of " + reference + " through the Docker daemon at " + daemon + " failed: ";
        if (status == 404 || lower.contains("does not exist locally") || lower.contains("no such image")) {
            return new ImageNotFoundException(what + "the daemon has no image " + reference.familiar() + " (" + daemonMessage
                    + "); tag an image with that name first", registry, reference, 404);
        }
        if (lower.contains("unauthorized") || lower.contains("authentication required") || lower.contains("denied")
                || lower.contains("no basic auth credentials") || status == 401 || status == 403) {
            return new RegistryAuthenticationException(what + "the registry refused access (" + daemonMessage
                    + "); log in with 'docker login " + reference.registry() + "' or set credentials in ~/.docker/config.json",
                    registry, reference, status == 403 ? 403 : 401);
        }
        return new RegistryException(what + (daemonMessage.isEmpty() ? "status " + status : daemonMessage),
                registry, reference, status);
    }
}
