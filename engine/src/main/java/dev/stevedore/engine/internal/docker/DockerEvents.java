package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.internal.events.Subscriber;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Subscriptions to the daemon's {@code GET /events}: one streamed response per subscription, read by a thread of its
 * own, each JSON message mapped to an {@link EngineEvent}, the text after an action's colon kept as its
 * {@link EngineEvent#detail()} (an action this API does not name, from a later daemon, is skipped). The request asks from the moment of the call ({@code since}), and the
 * method returns once the daemon has answered: from then on nothing is missed.
 */
final class DockerEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerEvents.class);
    private static final String FILTERS = "{\"type\":[\"container\",\"image\",\"network\",\"volume\"]}";

    private final DockerApi api;
    private final Set<EventSubscription> open = ConcurrentHashMap.newKeySet();

    DockerEvents(DockerApi api) {
        this.api = api;
    }

    EventSubscription subscribe(Consumer<EngineEvent> listener) {
        Instant since = Instant.now();
        DockerApi.Call call = api.call("GET", "/events")
                .query("since", since.getEpochSecond() + "." + String.format("%09d", since.getNano()))
                .query("filters", FILTERS)
                .readTimeout(Duration.ZERO);
        Response response = call.open();
        Subscriber[] subscriber = new Subscriber[1];
        subscriber[0] = new Subscriber(listener, () -> {
            open.remove(subscriber[0]);
            call.cancel(); // ends the reader's blocked read, however busy the stream
            response.close();
        });
        open.add(subscriber[0]);
        Thread reader = new Thread(() -> read(response, subscriber[0]), "stevedore-docker-events");
        reader.setDaemon(true);
        reader.start();
        return subscriber[0];
    }

    /** The daemon's record from {@code since} to {@code until} (null: now): a stream that ends at {@code until}. */
    java.util.List<EngineEvent> past(Instant since, Instant until) {
        Instant end = until == null ? Instant.now() : until;
        java.util.List<EngineEvent> events = new java.util.ArrayList<>();
        if (since.isAfter(end)) {
            return events; // dockerd answers 400 to a since after the until; nothing happened in between
        }
        try (Response response = api.call("GET", "/events").query("since", stamp(since)).query("until", stamp(end))
                .query("filters", FILTERS).open();
             InputStream in = response.body().byteStream();
             JsonParser parser = DockerApi.MAPPER.getFactory().createParser(in)) {
            while (parser.nextToken() != null) {
                map(DockerApi.MAPPER.readTree(parser)).ifPresent(events::add);
            }
        } catch (IOException e) {
            throw new dev.stevedore.engine.ContainerEngineException("reading the past events of the Docker daemon at "
                    + api.endpoint().uri() + " failed: " + DockerConnector.reason(e), e);
        }
        return events;
    }

    private static String stamp(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%09d", instant.getNano());
    }

    private void read(Response response, Subscriber subscriber) {
        try (InputStream in = response.body().byteStream();
             JsonParser parser = DockerApi.MAPPER.getFactory().createParser(in)) {
            // the daemon writes one JSON object after another; a parser reads them as a sequence
            while (parser.nextToken() != null) {
                JsonNode message = DockerApi.MAPPER.readTree(parser);
                map(message).ifPresent(subscriber::offer);
            }
        } catch (IOException e) {
            if (!subscriber.isClosed()) {
                LOG.warn("the event stream of the Docker daemon at {} ended: {}; subscribe again once it runs",
                        api.endpoint().uri(), DockerConnector.reason(e));
            }
        }
    }

    /** The event a daemon's message reports, if it is one this API names (every action dockerd 20.10 sends is). */
    static Optional<EngineEvent> map(JsonNode message) {
        EngineEvent.Type type;
        try {
            type = EngineEvent.Type.valueOf(message.path("Type").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // "exec_create: sh -c ..." names the command after the action, "health_status: healthy" the status
        String name = message.path("Action").asText();
        Optional<EngineEvent.Action> action = EngineEvent.Action.fromDockerName(name);
        if (action.isEmpty()) {
            return Optional.empty();
        }
        int colon = name.indexOf(':');
        String detail = colon < 0 ? "" : name.substring(colon + 1).strip();
        JsonNode actor = message.path("Actor");
        Map<String, String> attributes = new LinkedHashMap<>();
        actor.path("Attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
        long nanos = message.path("timeNano").asLong(message.path("time").asLong() * 1_000_000_000L);
        return Optional.of(new EngineEvent(type, action.get(), actor.path("ID").asText(), attributes,
                Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L), detail));
    }

    @Override
    public void close() {
        for (EventSubscription subscription : Set.copyOf(open)) {
            subscription.close();
        }
    }
}
