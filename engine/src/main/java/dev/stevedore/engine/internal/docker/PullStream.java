package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullListener;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads the progress stream of {@code POST /images/create} as it arrives — one JSON object per event —
 * and turns each into a {@link PullProgress} for the listener; an in-stream {@code errorDetail} ends the
 * pull with the exception it stands for (see {@link #failure}).
 *
 * <p>Docker names layers by the first 12 hex digits of their compressed digest, so the events' {@code digest}
 * is that short id ({@code 65564720dc44}); {@link Phase#RESOLVED} carries no digest and no layer count,
 * which Docker does not tell before the layers start.
 */
final class PullStream {
    private final ImageReference reference;
    private final PullListener listener;
    private final String daemon;
    private String manifestDigest;
    private String lastStatus = "";

    PullStream(ImageReference reference, PullListener listener, String daemon) {
        this.reference = reference;
        this.listener = listener;
        this.daemon = daemon;
    }

    /** The manifest digest the daemon reported ({@code Digest: sha256:...}), or {@code null}. */
    String manifestDigest() {
        return manifestDigest;
    }

    /** The last {@code status} seen, such as {@code Status: Downloaded newer image for busybox:latest}. */
    String lastStatus() {
        return lastStatus;
    }

    /**
     * Reads events until the stream ends.
     *
     * @throws IOException when the stream breaks off
     * @throws RegistryException (or a subclass) for an error the daemon reported in the stream
     */
    void read(InputStream body) throws IOException {
        try (JsonParser parser = DockerApi.MAPPER.createParser(body);
             MappingIterator<JsonNode> events = DockerApi.MAPPER.readerFor(JsonNode.class).readValues(parser)) {
            while (events.hasNextValue()) {
                handle(events.nextValue());
            }
        } catch (com.fasterxml.jackson.databind.RuntimeJsonMappingException e) {
            throw new IOException("the pull progress stream is not JSON: " + e.getMessage(), e);
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
        String status = event.path("status").asText("");
        if (status.isEmpty()) {
            return;
        }
        lastStatus = status;
        String id = event.path("id").asText("");
        JsonNode detail = event.path("progressDetail");
        long current = detail.path("current").asLong(0);
        long total = detail.path("total").asLong(0);
        if (status.startsWith("Digest: ")) {
            manifestDigest = status.substring("Digest: ".length()).strip();
            return;
        }
        if (status.startsWith("Pulling from ")) {
            emit(null, Phase.RESOLVED, 0, 0);
            return;
        }
        Phase phase = switch (status) {
            case "Pulling fs layer", "Waiting" -> Phase.WAITING;
            case "Already exists" -> Phase.ALREADY_EXISTS;
            case "Downloading" -> Phase.DOWNLOADING;
            case "Download complete" -> Phase.DOWNLOAD_COMPLETE;
            case "Extracting" -> Phase.EXTRACTING;
            case "Pull complete" -> Phase.PULL_COMPLETE;
            default -> null;
        };
        if (phase == null || id.isEmpty()) {
            return;
        }
        emit(id, phase, current, total);
    }

    private void emit(String digest, Phase phase, long current, long total) {
        try {
            listener.onProgress(new PullProgress(reference, digest, phase, current, total));
        } catch (RuntimeException e) {
            // a listener must not throw; one that does must not break the pull
        }
    }

    /**
     * The exception for a pull the daemon refused, before the stream (with its HTTP status) or in it
     * ({@code status} 0): a missing image or platform is an {@link ImageNotFoundException}, refused credentials
     * a {@link RegistryAuthenticationException}, anything else a {@link RegistryException}.
     */
    static RegistryException failure(ImageReference reference, String daemonMessage, int status, String daemon) {
        String registry = reference.apiHost();
        String lower = daemonMessage.toLowerCase(Locale.ROOT);
        String what = "Pull of " + reference + " through the Docker daemon at " + daemon + " failed: ";
        if (lower.contains("no matching manifest for")) {
            return new ImageNotFoundException(what + "the image has no variant for the requested platform (" + daemonMessage
                    + "); pick a platform the image offers", registry, reference, 404);
        }
        if (lower.contains("pull access denied") || lower.contains("unauthorized") || lower.contains("authentication required")
                || lower.contains("no basic auth credentials") || lower.contains("denied: requested access")
                || lower.contains("incorrect username or password") || status == 401 || status == 403) {
            // registries answer "denied" for a repository that does not exist as for one that needs a login
            return new RegistryAuthenticationException(what + "the registry refused access (" + daemonMessage
                    + "); the repository may not exist, or it needs credentials: log in with 'docker login "
                    + reference.registry() + "' or set credentials in ~/.docker/config.json",
                    registry, reference, status == 403 ? 403 : 401);
        }
        if (status == 404 || lower.contains("manifest unknown") || lower.contains("not found") || lower.contains("name unknown")) {
            return new ImageNotFoundException(what + "image " + reference + " not found (" + daemonMessage
                    + "); check the name and tag", registry, reference, 404);
        }
        return new RegistryException(what + (daemonMessage.isEmpty() ? "status " + status : daemonMessage),
                registry, reference, status);
    }
}
