package dev.stevedore.cli;

import dev.stevedore.engine.EngineEvent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An engine event as docker's {@code events.Message}, the document {@code events --format} runs over: {@code .Type},
 * {@code .Action}, {@code .Actor.ID}, {@code .Actor.Attributes} (a map: a key it lacks is {@code <no value>}),
 * {@code .Scope}, {@code .Time}, {@code .TimeNano}, and the fields older clients read, {@code .Status}, {@code .ID}
 * and {@code .From}, which dockerd fills for container events ({@code .From} the image) and image events only. As
 * JSON ({@code {{json .}}}, {@code --format json}) it is the line dockerd's {@code /events} sends, under its JSON
 * names and with the empty old fields left out.
 */
final class EventDocument extends LinkedHashMap<String, Object> implements Json.Tagged {
    private EventDocument() {
    }

    static EventDocument of(EngineEvent event) {
        String type = event.type().name().toLowerCase(Locale.ROOT);
        boolean container = event.type() == EngineEvent.Type.CONTAINER;
        boolean old = container || event.type() == EngineEvent.Type.IMAGE;
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("ID", event.id());
        actor.put("Attributes", new GoTemplate.GoMap<>(Filters.usersLabels(event.attributes())));
        EventDocument document = new EventDocument();
        document.put("Status", old ? event.dockerAction() : "");
        document.put("ID", old ? event.id() : "");
        document.put("From", container ? event.attributes().getOrDefault(EngineEvent.IMAGE, "") : "");
        document.put("Type", type);
        document.put("Action", event.dockerAction());
        document.put("Actor", actor);
        document.put("Scope", "local");
        document.put("Time", event.time().getEpochSecond());
        document.put("TimeNano", event.time().getEpochSecond() * 1_000_000_000L + event.time().getNano());
        return document;
    }

    @Override
    public Object json() {
        Map<String, Object> json = new LinkedHashMap<>();
        // Go's omitempty: the old fields only where dockerd fills them
        for (String field : new String[] {"Status", "ID", "From"}) {
            if (!get(field).toString().isEmpty()) {
                json.put(field.toLowerCase(Locale.ROOT), get(field));
            }
        }
        json.put("Type", get("Type"));
        json.put("Action", get("Action"));
        json.put("Actor", get("Actor"));
        json.put("scope", get("Scope"));
        json.put("time", get("Time"));
        json.put("timeNano", get("TimeNano"));
        return json;
    }
}
