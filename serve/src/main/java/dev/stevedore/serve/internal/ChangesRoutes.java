package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.FileChange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker diff} ({@code GET /containers/{id}/changes}: {@code [{"Path", "Kind"}]}, Kind 0 modified, 1 added,
 * 2 deleted), {@code docker export} ({@code GET /containers/{id}/export}: the root file system as a tar) and
 * {@code docker commit} ({@code POST /commit}).
 */
final class ChangesRoutes {
    private static final String ID = "(?<id>[^/]+)";

    private final ServeState state;
    private final ContainerRoutes containers;

    ChangesRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("GET", "/containers/" + ID + "/changes", this::changes)
                .add("GET", "/containers/" + ID + "/export", this::export)
                .add("POST", "/commit", this::commit);
    }

    private void changes(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        List<FileChange> changes = state.engine.changes(c.id());
        if (changes.isEmpty()) {
            x.response().json(200, NullNode.getInstance()); // dockerd's answer for a container that changed nothing
            return;
        }
        ArrayNode list = Json.array();
        for (FileChange change : changes) {
            list.addObject().put("Path", change.path()).put("Kind", change.kind().code());
        }
        x.response().json(200, list);
    }

    /**
     * {@code docker commit}: {@code container}, {@code repo}, {@code tag}, {@code comment}, {@code author},
     * {@code pause} (true unless given, as dockerd has it since API 1.13) and {@code changes} (each a Dockerfile
     * instruction); 201 with the new image's {@code Id}. The body's config is applied as the instructions
     * {@link CommitConfig} turns it into, before the {@code changes}.
     */
    private void commit(Exchange x) throws IOException {
        HttpRequest request = x.request();
        String name = request.query("container");
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("container is required: name the container to commit");
        }
        ContainerInfo c = containers.find(name);
        List<String> changes = new ArrayList<>(CommitConfig.changes(x.body()));
        changes.addAll(request.query().getOrDefault("changes", List.of()));
        String repo = request.query("repo");
        String tag = request.query("tag");
        // no repository: the image is kept dangling, by its id, as dockerd keeps it (a tag alone names nothing)
        CommitSpec spec = (repo == null || repo.isEmpty() ? CommitSpec.untagged()
                : CommitSpec.to(ImageRoutes.reference(repo, tag == null || tag.isEmpty() ? "latest" : tag)))
                .withComment(request.query("comment")).withAuthor(request.query("author"))
                .withPause(request.query("pause") == null || request.query("pause").isEmpty() || request.flag("pause"))
                .withChanges(changes);
        Image image;
        try {
            image = state.engine.commit(c.id(), spec);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        x.response().json(201, Json.object().put("Id", image.id()));
    }

    private void export(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        try (InputStream tar = state.engine.export(c.id())) {
            OutputStream out = x.response().stream(200, "application/x-tar");
            tar.transferTo(out);
        }
    }
}
