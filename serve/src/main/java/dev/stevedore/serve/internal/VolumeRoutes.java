package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeInUseException;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeNotFoundException;
import dev.stevedore.engine.VolumeSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Volumes over the engine's volume calls: list (filters {@code name}, {@code label}, {@code dangling},
 * {@code driver}), create (an existing name answers with that volume, as Docker), inspect, remove (409 while a
 * container, running or not, mounts it; {@code force} makes a missing volume no error), and prune, which as
 * Docker 23 (API 1.42) removes only anonymous volumes ({@link VolumeSpec#ANONYMOUS_LABEL}) unless the {@code all}
 * filter is set or the client speaks an older API.
 */
final class VolumeRoutes {
    private final ServeState state;

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

    /** The names of the volumes containers (in any state) mount now: their own, the image's, those of volumes-from. */
    private Set<String> inUse() {
        Set<String> names = new TreeSet<>();
        for (ContainerInfo c : state.engine.containers(true, Map.of())) {
            for (Mount mount : c.mounts()) {
                if (mount.type() == Mount.Type.VOLUME && !mount.source().isEmpty()) {
                    names.add(mount.source());
                }
            }
        }
        return names;
    }

    /** The document of {@code GET /volumes/{name}}; {@code GET /system/df} adds its {@code UsageData}. */
    static ObjectNode document(VolumeInfo volume) {
        ObjectNode doc = Json.object().put("Name", volume.name()).put("Driver", "local").put("Mountpoint", volume.mountpoint());
        if (volume.createdAt() != null) {
            doc.put("CreatedAt", Json.seconds(volume.createdAt()));
        }
        doc.put("Scope", "local");
        doc.set("Labels", Json.stringMap(volume.labels()));
        doc.putNull("Options"); // as dockerd answers for a volume created without driver options
        return doc;
    }

    private void list(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        Set<String> users = filters.has("dangling") ? inUse() : Set.of();
        ArrayNode volumes = Json.array();
        for (VolumeInfo volume : state.engine.volumes(Map.of())) {
            boolean dangling = !users.contains(volume.name());
            if (filters.matchesAny("name", List.of(volume.name()), (wanted, n) -> n.contains(wanted))
                    && filters.matchesAny("dangling", List.of(Boolean.toString(dangling)), (wanted, d) -> HttpRequest.isTrue(wanted) == Boolean.parseBoolean(d))
                    && filters.matchesAny("driver", List.of("local"), String::equals)
                    && filters.labels(volume.labels())) {
                volumes.add(document(volume));
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
        if (driver != null && !driver.isEmpty() && !driver.equals("local")) {
            throw ApiException.badRequest("volume driver \"" + driver + "\" is not supported by stevedore serve: only local volumes");
        }
        String name = Json.text(body, "Name");
        VolumeSpec spec;
        try {
            spec = new VolumeSpec(name == null || name.isEmpty() ? null : name, Json.stringMap(body, "Labels"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("create " + name + ": " + e.getMessage());
        }
        x.response().json(201, document(state.engine.createVolume(spec)));
    }

    private void inspect(Exchange x) throws IOException {
        String name = x.param("name");
        try {
            x.response().json(200, document(state.engine.inspectVolume(name)));
        } catch (VolumeNotFoundException e) {
            throw ApiException.notFound("get " + name + ": no such volume");
        }
    }

    private void remove(Exchange x) throws IOException {
        String name = x.param("name");
        try {
            state.engine.removeVolume(name, HttpRequest.isTrue(x.request().query("force")));
        } catch (VolumeNotFoundException e) {
            throw ApiException.notFound("get " + name + ": no such volume");
        } catch (VolumeInUseException e) {
            throw ApiException.conflict("remove " + name + ": volume is in use - " + e.containers());
        }
        x.response().empty(204);
    }

    private void prune(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        ArrayNode deleted = Json.array();
        String version = x.request().apiVersion();
        // as dockerd 23: API 1.42 made prune leave named volumes unless asked for all
        boolean all = filters.values("all").stream().anyMatch(HttpRequest::isTrue)
                || version != null && !DockerApiVersions.atLeast(version, 1, 42);
        Set<String> users = inUse();
        List<VolumeInfo> candidates = new ArrayList<>(state.engine.volumes(Map.of()));
        for (VolumeInfo volume : candidates) {
            if (users.contains(volume.name()) || !filters.labels(volume.labels())
                    || !all && !volume.labels().containsKey(VolumeSpec.ANONYMOUS_LABEL)) {
                continue;
            }
            try {
                state.engine.removeVolume(volume.name(), true);
                deleted.add(volume.name());
            } catch (VolumeInUseException raced) {
                // a container mounted it meanwhile: it stays, as Docker's prune leaves it
            }
        }
        x.response().json(200, Json.object().<ObjectNode>set("VolumesDeleted", deleted).put("SpaceReclaimed", 0));
    }
}
