package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.FileChange;
import okhttp3.Response;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Diff, export and commit through the Docker Engine API: {@code GET /containers/{id}/changes},
 * {@code GET /containers/{id}/export} and {@code POST /commit}, the daemon's answers as they are.
 */
final class DockerChanges {
    private final DockerApi api;

    DockerChanges(DockerApi api) {
        this.api = api;
    }

    List<FileChange> changes(String container) {
        JsonNode list;
        try {
            list = api.call("GET", "/containers/" + DockerContainers.reference(container) + "/changes").json();
        } catch (DockerApiException e) {
            throw DockerControls.failure(container, "Reading the changes of container " + container, e);
        }
        List<FileChange> changes = new ArrayList<>();
        if (list != null) { // dockerd answers null for a container that changed nothing
            for (JsonNode change : list) {
                changes.add(new FileChange(change.path("Path").asText(), FileChange.Kind.ofCode(change.path("Kind").asInt())));
            }
        }
        return changes;
    }

    /** {@code POST /commit}: the daemon's own commit, filed under the spec's reference; returns the new image's id. */
    String commit(String container, CommitSpec spec) {
        DockerApi.Call call = api.call("POST", "/commit")
                .query("container", DockerContainers.reference(container))
                .query("repo", spec.reference() == null ? null : spec.reference().name())
                .query("tag", spec.reference() == null ? null : spec.reference().tag() == null ? "latest" : spec.reference().tag())
                .query("pause", String.valueOf(spec.pause()));
        if (!spec.comment().isEmpty()) {
            call.query("comment", spec.comment());
        }
        if (!spec.author().isEmpty()) {
            call.query("author", spec.author());
        }
        spec.changes().forEach(change -> call.query("changes", change));
        try {
            return call.jsonBody(java.util.Map.of()).json().path("Id").asText();
        } catch (DockerApiException e) {
            if (e.status() == 400) {
                throw new IllegalArgumentException("Committing container " + container + " to " + target(spec)
                        + " failed: " + e.daemonMessage(), e);
            }
            throw DockerControls.failure(container, "Committing container " + container + " to " + target(spec), e);
        }
    }

    private static String target(CommitSpec spec) {
        return spec.reference() == null ? "an untagged image" : spec.reference().familiar();
    }

    InputStream export(String container) {
        Response response;
        try {
            response = api.call("GET", "/containers/" + DockerContainers.reference(container) + "/export").open();
        } catch (DockerApiException e) {
            throw DockerControls.failure(container, "Exporting container " + container, e);
        }
        return new FilterInputStream(response.body().byteStream()) {
            @Override
            public void close() {
                response.close();
            }
        };
    }
}
