package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.core.JsonParser;
import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.build.ContextArchive;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /build} with dockerd's classic builder ({@code version=1}): the context streamed as a tar, the spec as
 * query parameters, and the JSON stream of the answer read into the same {@link BuildEvent}s the embedded builder
 * sends. Returns the id of the image built.
 */
final class DockerBuild {
    private static final Pattern STEP = Pattern.compile("^Step (\\d+)/(\\d+) : (.*)$", Pattern.DOTALL);
    /** The classic builder's own lines: using cache, running in, removing, and the step's image ({@code " ---> "} for scratch). */
    private static final Pattern BOOKKEEPING = Pattern.compile(
            " ---> (?:(?<cached>Using cache)|Running in (?<running>[0-9a-f]+)|(?<result>[0-9a-f]*))"
                    + "|Removing intermediate container (?<removed>[0-9a-f]+)");
    private static final Pattern COLOUR = Pattern.compile("\u001b\\[[0-9;]*m");
    private static final Pattern EXIT = Pattern.compile("returned a non-zero code: (\\d+)");
    private static final Duration IDLE = Duration.ofMinutes(30);

    private final DockerApi api;
    private final BuildListener listener;
    private int step;
    private int steps;
    private String imageId;
    private final Deque<String> last = new ArrayDeque<>();

    DockerBuild(DockerApi api, BuildListener listener) {
        this.api = api;
        this.listener = listener;
    }

    String build(BuildSpec spec, String labelsJson) {
        DockerApi.Call call = api.call("POST", "/build")
                .query("dockerfile", ContextArchive.dockerfileName(spec))
                .query("buildargs", json(spec.buildArgs()))
                .query("labels", labelsJson)
                .query("target", spec.target())
                .query("nocache", spec.noCache() ? "1" : null)
                .query("pull", spec.pullPolicy() == ContainerSpec.PullPolicy.ALWAYS ? "1" : null)
                .query("platform", spec.platform() == null ? null : spec.platform().toString())
                .query("networkmode", spec.networkMode().equals("default") ? null : spec.networkMode())
                .query("version", "1")
                .query("rm", "1").query("forcerm", "1")
                .body(new StreamingTarBody(out -> ContextArchive.write(spec, out)))
                .readTimeout(IDLE);
        for (ImageReference tag : spec.tags()) {
            call.query("t", tag.toString());
        }
        spec.extraHosts().forEach(host -> call.query("extrahosts", host)); // a value each, as the docker CLI sends them
        try (Response response = call.open(); ResponseBody body = response.body()) {
            if (body != null) {
                read(body.byteStream());
            }
        } catch (DockerApiException e) {
            throw new BuildException("build through the Docker daemon at " + api.endpoint().uri() + " failed: "
                    + e.daemonMessage(), e);
        } catch (IOException e) {
            throw new BuildException("build through the Docker daemon at " + api.endpoint().uri() + " failed: the stream broke off ("
                    + DockerConnector.reason(e) + ")", e);
        }
        if (imageId == null) {
            throw new BuildException("build through the Docker daemon at " + api.endpoint().uri()
                    + " ended without naming the image it built; last output: " + last, null, -1, List.copyOf(last));
        }
        listener.onEvent(new BuildEvent(BuildEvent.Kind.BUILT, 0, steps, imageId));
        spec.tags().forEach(t -> listener.onEvent(new BuildEvent(BuildEvent.Kind.TAGGED, 0, steps, t.familiar())));
        return imageId;
    }

    private void read(InputStream body) throws IOException {
        StringBuilder pending = new StringBuilder();
        try (JsonParser parser = DockerApi.MAPPER.createParser(body);
             MappingIterator<JsonNode> events = DockerApi.MAPPER.readerFor(JsonNode.class).readValues(parser)) {
            while (events.hasNextValue()) {
                JsonNode event = events.nextValue();
                if (event.hasNonNull("errorDetail") || event.hasNonNull("error")) {
                    String message = event.path("errorDetail").path("message").asText(event.path("error").asText());
                    Matcher exit = EXIT.matcher(message);
                    throw new BuildException("build step " + step + " failed on the Docker daemon: " + message
                            + (last.isEmpty() ? "" : "\n" + String.join("\n", last)), null,
                            exit.find() ? Integer.parseInt(exit.group(1)) : -1, List.copyOf(last));
                }
                String id = event.path("aux").path("ID").asText(null);
                if (id != null) {
                    imageId = id;
                }
                if (event.hasNonNull("stream")) {
                    pending.append(event.get("stream").asText());
                    int newline;
                    while ((newline = pending.indexOf("\n")) >= 0) {
                        line(pending.substring(0, newline));
                        pending.delete(0, newline + 1);
                    }
                } else if (event.hasNonNull("status")) {
                    line(event.get("status").asText());
                }
            }
        }
        if (!pending.isEmpty()) {
            line(pending.toString());
        }
    }

    private void line(String raw) {
        // dockerd wraps a RUN's stderr in red (ESC[91m ... ESC[0m, the reset at the start of the next line); the
        // embedded builder sends plain text, and so does this backend, so the bookkeeping lines after it still match
        String text = COLOUR.matcher(raw).replaceAll("");
        Matcher m = STEP.matcher(text);
        Matcher bookkeeping = BOOKKEEPING.matcher(text);
        if (m.matches()) {
            step = Integer.parseInt(m.group(1));
            steps = Integer.parseInt(m.group(2));
            listener.onEvent(new BuildEvent(BuildEvent.Kind.STEP, step, steps, m.group(3)));
        } else if (bookkeeping.matches()) {
            BuildEvent.Kind kind = bookkeeping.group("cached") != null ? BuildEvent.Kind.CACHED
                    : bookkeeping.group("running") != null ? BuildEvent.Kind.RUNNING
                    : bookkeeping.group("removed") != null ? BuildEvent.Kind.REMOVED : BuildEvent.Kind.RESULT;
            String id = java.util.stream.Stream.of("running", "removed", "result").map(bookkeeping::group)
                    .filter(java.util.Objects::nonNull).findFirst().orElse("");
            listener.onEvent(new BuildEvent(kind, step, steps, id));
        } else if (text.startsWith("Successfully built ") || text.startsWith("Successfully tagged ")) {
            // BUILT and TAGGED are sent once the stream ends well
        } else {
            if (last.size() == 30) {
                last.removeFirst();
            }
            last.addLast(text);
            listener.onEvent(new BuildEvent(BuildEvent.Kind.OUTPUT, step, steps, text));
        }
    }

    private static String json(java.util.Map<String, String> map) {
        if (map.isEmpty()) {
            return null;
        }
        try {
            return DockerApi.MAPPER.writeValueAsString(map);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
