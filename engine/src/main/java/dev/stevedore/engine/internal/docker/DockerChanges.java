package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.FileChange;
import okhttp3.Response;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Diff and export through the Docker Engine API: {@code GET /containers/{id}/changes} and
 * {@code GET /containers/{id}/export}, the daemon's answers as they are.
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
