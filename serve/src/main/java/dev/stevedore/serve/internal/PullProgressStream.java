package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullListener;
import dev.stevedore.engine.PullProgress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pull's progress as the daemon streams it: one JSON object per line ({@code status}, {@code id} the layer's
 * short digest, {@code progressDetail}), ending in {@code Digest: ...} and {@code Status: Downloaded newer image
 * for ...} (docker-java checks the last line for those words). The answer's head goes out with the first event,
 * so a pull that fails before any (an unknown image) is still answered with a proper error status; a failure
 * after that is an {@code errorDetail} line, which the CLI and docker-java both raise.
 *
 * <p>Download progress is sent at most every {@value #PROGRESS_INTERVAL_MS} ms per layer: enough for a progress
 * bar and for Testcontainers' 30-second pull-pause check, without a line per network read.
 */
final class PullProgressStream implements PullListener {
    private static final long PROGRESS_INTERVAL_MS = 100;

    private final HttpResponse response;
    private final ImageReference reference;
    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();
    private OutputStream out;
    private boolean broken;

    PullProgressStream(HttpResponse response, ImageReference reference) {
        this.response = response;
        this.reference = reference;
    }

    synchronized boolean started() {
        return out != null;
    }

    @Override
    public void onProgress(PullProgress event) {
        String id = ImageRoutes.shortId(event.digest() == null ? "" : event.digest());
        switch (event.phase()) {
            case RESOLVED -> write(Json.object().put("status", "Pulling from " + repository()).put("id", tagOrDigest()));
            case WAITING -> write(layer("Pulling fs layer", id));
            case ALREADY_EXISTS -> write(layer("Already exists", id));
            case DOWNLOADING -> {
                if (due(id, event)) {
                    write(progress("Downloading", id, event));
                }
            }
            case DOWNLOAD_COMPLETE -> write(layer("Download complete", id));
            case EXTRACTING -> {
                if (due(id, event)) {
                    write(progress("Extracting", id, event));
                }
            }
            case PULL_COMPLETE -> write(layer("Pull complete", id));
            case COMPLETE -> { }
        }
    }

    /** The closing lines after a pull that worked; {@code unchanged}: the reference named this image before. */
    void done(Image image, boolean unchanged) {
        if (!started()) {
            write(Json.object().put("status", "Pulling from " + repository()).put("id", tagOrDigest()));
        }
        if (image.manifestDigest() != null) {
            write(Json.object().put("status", "Digest: " + image.manifestDigest()));
        }
        write(Json.object().put("status", unchanged ? "Status: Image is up to date for " + reference.familiar()
                : "Status: Downloaded newer image for " + reference.familiar()));
    }

    /** The line that fails the pull for the client. */
    void error(String message) {
        ObjectNode line = Json.object();
        line.set("errorDetail", Json.object().put("message", message));
        line.put("error", message);
        write(line);
    }

    private boolean due(String id, PullProgress event) {
        long now = System.currentTimeMillis();
        Long last = lastProgress.get(id);
        if (last != null && now - last < PROGRESS_INTERVAL_MS && event.current() < event.total()) {
            return false;
        }
        lastProgress.put(id, now);
        return true;
    }

    /** The repository path, as the daemon names it: {@code library/busybox}. */
    private String repository() {
        return reference.repository();
    }

    private String tagOrDigest() {
        return reference.tag() != null ? reference.tag() : reference.digest();
    }

    private static ObjectNode layer(String status, String id) {
        ObjectNode line = Json.object().put("status", status);
        line.set("progressDetail", Json.object());
        return line.put("id", id);
    }

    private static ObjectNode progress(String status, String id, PullProgress event) {
        ObjectNode line = Json.object().put("status", status);
        ObjectNode detail = line.putObject("progressDetail").put("current", event.current());
        if (event.total() > 0) {
            detail.put("total", event.total());
        }
        return line.put("id", id);
    }

    /** Writes one line; a client that went away only stops the lines, not the pull. */
    private synchronized void write(ObjectNode line) {
        if (broken) {
            return;
        }
        try {
            if (out == null) {
                out = response.stream(200, HttpResponse.JSON);
            }
            byte[] json = Json.bytes(line);
            byte[] withEnd = new byte[json.length + 2];
            System.arraycopy(json, 0, withEnd, 0, json.length);
            withEnd[json.length] = '\r';
            withEnd[json.length + 1] = '\n';
            out.write(withEnd);
        } catch (IOException e) {
            broken = true;
        }
    }
}
