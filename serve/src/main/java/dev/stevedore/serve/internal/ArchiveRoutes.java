package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.docker.wire.GoFileMode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerPathStat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * {@code docker cp}: {@code GET /containers/{id}/archive} (a tar of the path, with its stat in the
 * {@code X-Docker-Container-Path-Stat} header, which the CLI needs), {@code HEAD} (the stat alone) and
 * {@code PUT} (a tar extracted into a directory). The stat is the engine's, as dockerd's: no process runs in the
 * container for it, so it works on an image without {@code stat} and adds no exec events.
 */
final class ArchiveRoutes {
    static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

    private final ServeState state;
    private final ContainerRoutes containers;

    ArchiveRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("GET", "/containers/(?<id>[^/]+)/archive", x -> get(x, true))
                .add("HEAD", "/containers/(?<id>[^/]+)/archive", x -> get(x, false))
                .add("PUT", "/containers/(?<id>[^/]+)/archive", this::put);
    }

    private void get(Exchange x, boolean body) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        String path = path(x.request());
        ContainerPathStat stat = state.engine.statContainerPath(c.id(), path).orElseThrow(
                () -> ApiException.notFound("Could not find the file " + path + " in container " + c.name()));
        x.response().header(STAT_HEADER, Base64.getEncoder().encodeToString(Json.bytes(document(stat))));
        if (!body) {
            x.response().send(200, "application/x-tar", new byte[0]);
            return;
        }
        try (InputStream tar = state.engine.copyFromContainer(c.id(), path)) {
            tar.transferTo(x.response().stream(200, "application/x-tar"));
        }
    }

    /** Docker's {@code PathStat}: name, size, Go file mode, modification time, link target. */
    static ObjectNode document(ContainerPathStat stat) {
        return Json.object().put("name", stat.name()).put("size", stat.size()).put("mode", GoFileMode.fromPosix(stat.mode()))
                .put("mtime", Json.time(stat.modified())).put("linkTarget", stat.linkTarget());
    }

    private void put(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        String path = path(x.request());
        state.engine.copyToContainer(c.id(), path, x.request().body());
        x.response().empty(200);
    }

    private static String path(HttpRequest request) {
        String path = request.query("path");
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("Bad parameter: path cannot be empty");
        }
        return path.startsWith("/") ? path : "/" + path;
    }
}
