package dev.stevedore.engine.internal.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Volumes, as far as the engine's public interface has them: it makes named volumes when a container
 * mounts them and offers no calls to list or remove them, so the list is empty, a create is refused with
 * that explanation, and a prune removes nothing. Clients that clean up (Testcontainers, Stevedore's own Docker
 * backend) get well-formed answers.
 */
final class VolumeRoutes {

    void register(Router router) {
        router.add("GET", "/volumes", this::list)
                .add("POST", "/volumes/create", this::create)
                .add("POST", "/volumes/prune", this::prune)
                .add("GET", "/volumes/(?<name>[^/]+)", x -> notFound(x.param("name")))
                .add("DELETE", "/volumes/(?<name>[^/]+)", x -> notFound(x.param("name")));
    }

    private void list(Exchange x) throws IOException {
        ObjectNode doc = Json.object();
        doc.set("Volumes", Json.array());
        doc.set("Warnings", Json.array());
        x.response().json(200, doc);
    }

    private void create(Exchange x) {
        throw new ApiException(501, "creating a volume on its own is not supported by stevedore serve: a named volume is"
                + " created when a container mounts it (docker run -v NAME:/path)");
    }

    private void prune(Exchange x) throws IOException {
        x.response().json(200, Json.object().<ObjectNode>set("VolumesDeleted", Json.array()).put("SpaceReclaimed", 0));
    }

    private static void notFound(String name) {
        throw ApiException.notFound("get " + name + ": no such volume");
    }
}
