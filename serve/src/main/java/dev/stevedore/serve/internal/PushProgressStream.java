package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PushListener;
import dev.stevedore.engine.PushProgress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A push's progress as the daemon streams it: {@code The push refers to repository [...]}, one line per layer
 * event ({@code Preparing}, {@code Pushing} with {@code progressDetail}, {@code Pushed}, {@code Layer already
 * exists}, {@code Mounted from ...}; {@code id} the layer's short digest), and at the end {@code TAG: digest:
 * sha256:... size: N} with the {@code aux} object the docker CLI reads the digest from. Only layers are shown
 * (the daemon does not show the config blob). The head goes out with the first line, so the route checks the
 * image exists before; a later failure is an {@code errorDetail} line.
 */
final class PushProgressStream implements PushListener {
    private static final long PROGRESS_INTERVAL_MS = 100;

    private final HttpResponse response;
    private final ImageReference reference;
    private final Set<String> layers;
    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();
    private OutputStream out;
    private boolean broken;
    private volatile long manifestSize;

    /** {@code layers}: the digests of the image's layers, the only blobs shown. */
    PushProgressStream(HttpResponse response, ImageReference reference, Set<String> layers) {
        this.response = response;
        this.reference = reference;
        this.layers = layers;
    }

    synchronized boolean started() {
        return out != null;
    }

    /** The first line, before any layer. */
    void begin() {
        write(Json.object().put("status", "The push refers to repository [" + reference.name() + "]"));
    }

    @Override
    public void onProgress(PushProgress event) {
        if (event.phase() == PushProgress.Phase.COMPLETE) {
            manifestSize = event.total();
            return;
        }
        if (!layers.contains(event.digest())) {
            return;
        }
        String id = ImageRoutes.shortId(event.digest());
        switch (event.phase()) {
            case PREPARING -> write(layer("Preparing", id));
            case ALREADY_EXISTS -> write(layer("Layer already exists", id));
            case MOUNTED -> write(layer("Mounted from another repository", id));
            case PUSHING -> {
                if (due(id, event)) {
                    ObjectNode line = Json.object().put("status", "Pushing");
                    line.putObject("progressDetail").put("current", event.current()).put("total", event.total());
                    write(line.put("id", id));
                }
            }
            case PUSHED -> write(layer("Pushed", id));
            case COMPLETE -> { }
        }
    }

    /** The closing lines of a push that worked. */
    void done(String digest) {
        long size = manifestSize;
        String tag = reference.tag() != null ? reference.tag() : reference.digest();
        write(Json.object().put("status", tag + ": digest: " + digest + " size: " + size));
        ObjectNode aux = Json.object();
        aux.set("progressDetail", Json.object());
        aux.set("aux", Json.object().put("Tag", tag).put("Digest", digest).put("Size", size));
        write(aux);
    }

    /** The line that fails the push for the client. */
    void error(String message) {
        ObjectNode line = Json.object();
        line.set("errorDetail", Json.object().put("message", message));
        line.put("error", message);
        write(line);
    }

    private boolean due(String id, PushProgress event) {
        long now = System.currentTimeMillis();
        Long last = lastProgress.get(id);
        if (last != null && now - last < PROGRESS_INTERVAL_MS && event.current() < event.total()) {
            return false;
        }
        lastProgress.put(id, now);
        return true;
    }

    private static ObjectNode layer(String status, String id) {
        ObjectNode line = Json.object().put("status", status);
        line.set("progressDetail", Json.object());
        return line.put("id", id);
    }

    /** Writes one line; a client that went away only stops the lines, not the push. */
    private synchronized void write(ObjectNode line) {
        if (broken) {
            return;
        }
        try {
            if (out == null) {
                out = response.stream(200, HttpResponse.JSON);
            }
            out.write(Json.bytes(line));
            out.write(new byte[] {'\r', '\n'});
        } catch (IOException e) {
            broken = true;
        }
    }
}
