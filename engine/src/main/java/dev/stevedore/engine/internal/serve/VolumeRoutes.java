package dev.stevedore.engine.internal.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Mount;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Volumes, as far as the engine's public interface shows them: it makes a named volume when a container first
 * mounts it and keeps it, but has no calls to list, create or remove volumes. So the list holds the named
 * volumes that containers mount now, plus those created through this server; a create is remembered here (the
 * engine makes the directory on first mount), a remove of a volume in use is refused, and a remove of one this
 * server created forgets it: data a removed container left in a volume stays in the engine's state directory.
 */
final class VolumeRoutes {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A volume created through this server: its labels and when. */
    private record Created(Map<String, String> labels, Instant at) {
    }

    private final ServeState state;
    private final Map<String, Created> created = new ConcurrentHashMap<>();

    VolumeRoutes(ServeState state) {
        this.state = state;
    }

    void register(Router router) {
        router.add("GET", "/volumes", this::list)
                .add("POST", "/volumes/create", this::create)
                .add("POST", "/volumes/prune", this::prune)
                .add("GET", "/volumes/(?<name>[^/]+)", this::inspect)
                .add("DELETE", "/volumes/(?<name>[^/]+)", this::remove);
    }

    /** Named volumes mounted by containers now: name → the ids of the containers. */
    private Map<String, List<String>> inUse() {
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (ContainerInfo c : state.engine.containers(true, Map.of())) {
            for (Mount mount : c.spec().mounts()) {
                if (mount.type() == Mount.Type.VOLUME && !mount.source().isEmpty()) {
                    users.computeIfAbsent(mount.source(), k -> new ArrayList<>()).add(c.id());
                }
            }
        }
        return users;
    }

    private ObjectNode document(String name) {
        Created mine = created.get(name);
        ObjectNode doc = Json.object().put("Name", name).put("Driver", "local").put("Mountpoint", "")
                .put("CreatedAt", Json.time(mine == null ? state.started : mine.at())).put("Scope", "local");
        doc.set("Labels", Json.stringMap(mine == null ? Map.of() : mine.labels()));
        doc.set("Options", Json.object());
        return doc;
    }

    private void list(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        Map<String, List<String>> users = inUse();
        List<String> names = new ArrayList<>(users.keySet());
        created.keySet().stream().filter(n -> !users.containsKey(n)).sorted().forEach(names::add);
        ArrayNode volumes = Json.array();
        for (String name : names) {
            Created mine = created.get(name);
            boolean dangling = !users.containsKey(name);
            if (filters.matchesAny("name", List.of(name), (wanted, n) -> n.contains(wanted))
                    && filters.matchesAny("dangling", List.of(Boolean.toString(dangling)), (wanted, d) -> HttpRequest.isTrue(wanted) == Boolean.parseBoolean(d))
                    && filters.matchesAny("driver", List.of("local"), String::equals)
                    && filters.labels(mine == null ? Map.of() : mine.labels())) {
                volumes.add(document(name));
            }
        }
        ObjectNode doc = Json.object();
        doc.set("Volumes", volumes);
        doc.set("Warnings", Json.array());
        x.response().json(200, doc);
    }

    private void create(Exchange x) throws IOException {
        JsonNode body = x.body();
        String driver = Json.text(body, "Driver");
        if (driver != null && !driver.equals("local")) {
            throw ApiException.badRequest("volume driver \"" + driver + "\" is not supported by stevedore serve: only local volumes");
        }
        String name = Json.text(body, "Name");
        if (name == null) {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            name = HexFormat.of().formatHex(random);
        }
        if (!NAME.matcher(name).matches() || name.length() > 255) {
            throw ApiException.badRequest("create " + name + ": \"" + name + "\" includes invalid characters for a local volume"
                    + " name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed");
        }
        created.putIfAbsent(name, new Created(Json.stringMap(body, "Labels"), Instant.now()));
        x.response().json(201, document(name));
    }

    private void inspect(Exchange x) throws IOException {
        String name = x.param("name");
        if (!created.containsKey(name) && !inUse().containsKey(name)) {
            throw ApiException.notFound("get " + name + ": no such volume");
        }
        x.response().json(200, document(name));
    }

    private void remove(Exchange x) throws IOException {
        String name = x.param("name");
        List<String> users = inUse().get(name);
        if (users != null) {
            throw ApiException.conflict("remove " + name + ": volume is in use - " + users);
        }
        if (created.remove(name) == null) {
            throw ApiException.notFound("get " + name + ": no such volume");
        }
        x.response().empty(204);
    }

    private void prune(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        Map<String, List<String>> users = inUse();
        ArrayNode deleted = Json.array();
        for (Map.Entry<String, Created> volume : Map.copyOf(created).entrySet()) {
            if (!users.containsKey(volume.getKey()) && filters.labels(volume.getValue().labels()) && created.remove(volume.getKey()) != null) {
                deleted.add(volume.getKey());
            }
        }
        x.response().json(200, Json.object().<ObjectNode>set("VolumesDeleted", deleted).put("SpaceReclaimed", 0));
    }
}
