package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.VolumeInUseException;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeNotFoundException;
import dev.stevedore.engine.VolumeSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Volumes through the Docker Engine API ({@code /volumes}): local volumes created with the session labels (so
 * {@link SessionCleanup} removes them after the session's containers), inspect, list with label filters, and
 * remove, where the daemon's 404 and 409 become {@link VolumeNotFoundException} and {@link VolumeInUseException}
 * (the latter naming the containers that mount the volume).
 */
final class DockerVolumes {
    private final DockerApi api;
    private final UUID session;
    private final Runnable beforeCreate;

    /**
     * @param beforeCreate runs before anything is created (registers the cleanup hook)
     */
    DockerVolumes(DockerApi api, UUID session, Runnable beforeCreate) {
        this.api = api;
        this.session = session;
        this.beforeCreate = beforeCreate;
    }

    /**
     * Whether another container mounts one of {@code container}'s volumes. dockerd counts a volume another container
     * got with {@code --volumes-from} as in use only when it was made through {@code Binds} or {@code Config.Volumes},
     * not through {@code HostConfig.Mounts} as this backend makes them: its {@code rm -v} would then remove a volume the
     * other container still needs (data loss; seen on 20.10), so the caller removes without volumes instead.
     */
    static boolean sharesVolumes(DockerApi api, String container) {
        JsonNode json;
        try {
            json = api.call("GET", "/containers/" + container + "/json").json();
        } catch (DockerApiException e) {
            return false; // gone or failing: the removal says so
        }
        String id = json.path("Id").asText();
        for (JsonNode mount : json.path("Mounts")) {
            String name = mount.path("Name").asText("");
            if (!"volume".equals(mount.path("Type").asText()) || name.isEmpty()) {
                continue;
            }
            ObjectNode filters = DockerApi.MAPPER.createObjectNode();
            filters.putArray("volume").add(name);
            for (JsonNode user : api.call("GET", "/containers/json").query("all", "1").query("filters", filters.toString()).json()) {
                if (!user.path("Id").asText().equals(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    VolumeInfo create(VolumeSpec spec) {
        if (spec.name() != null) {
            // Docker's create returns an existing volume of that name; asking first keeps another session's
            // volume as it is instead of relying on how the daemon compares labels
            try {
                return inspect(spec.name());
            } catch (VolumeNotFoundException absent) {
                // create it
            }
        }
        ObjectNode body = DockerApi.MAPPER.createObjectNode().put("Driver", "local");
        if (spec.name() != null) {
            body.put("Name", spec.name());
        }
        ObjectNode labels = body.putObject("Labels");
        Labels.forSessionUnlessKept(session, spec.labels()).forEach(labels::put);
        beforeCreate.run();
        try {
            return info(api.call("POST", "/volumes/create").jsonBody(body).json());
        } catch (DockerApiException e) {
            if (e.status() == 409 && spec.name() != null) {
                return inspect(spec.name()); // made by someone else meanwhile
            }
            throw new ContainerEngineException("Creating volume " + (spec.name() == null ? "(generated name)" : "\"" + spec.name() + "\"")
                    + " failed: " + e.daemonMessage(), e);
        }
    }

    VolumeInfo inspect(String name) {
        checkName(name);
        try {
            return info(api.call("GET", "/volumes/" + name).json());
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new VolumeNotFoundException(name);
            }
            throw e;
        }
    }

    List<VolumeInfo> list(Map<String, String> labels) {
        List<String> wanted = new ArrayList<>();
        labels.forEach((k, v) -> wanted.add(v == null || v.isEmpty() ? k : k + "=" + v));
        DockerApi.Call call = api.call("GET", "/volumes");
        if (!wanted.isEmpty()) {
            call.query("filters", DockerApi.MAPPER.createObjectNode().set("label", DockerApi.MAPPER.valueToTree(wanted)).toString());
        }
        JsonNode answer = call.json();
        List<VolumeInfo> result = new ArrayList<>();
        if (answer != null) {
            answer.path("Volumes").forEach(v -> result.add(info(v)));
        }
        result.sort(Comparator.comparing(VolumeInfo::name));
        return result;
    }

    void remove(String name, boolean force) {
        checkName(name);
        try {
            api.call("DELETE", "/volumes/" + name).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                if (force) {
                    return;
                }
                throw new VolumeNotFoundException(name);
            }
            if (e.status() == 409) {
                throw new VolumeInUseException(name, users(name, e));
            }
            throw e;
        }
    }

    /** The names of the containers that mount the volume; the daemon's own words when they cannot be listed. */
    private List<String> users(String name, DockerApiException refusal) {
        List<String> names = new ArrayList<>();
        try {
            JsonNode containers = api.call("GET", "/containers/json").query("all", "1")
                    .query("filters", "{\"volume\":[\"" + name + "\"]}").json();
            if (containers != null) {
                // also checked here: a server that ignores the volume filter (an older stevedore serve) lists all
                containers.forEach(c -> {
                    boolean mounts = false;
                    for (JsonNode mount : c.path("Mounts")) {
                        mounts |= name.equals(mount.path("Name").asText());
                    }
                    if (!mounts) {
                        return;
                    }
                    String first = c.path("Names").path(0).asText(c.path("Id").asText());
                    names.add(first.startsWith("/") ? first.substring(1) : first);
                });
            }
        } catch (ContainerEngineException e) {
            // the daemon's message must do
        }
        return names.isEmpty() ? List.of(refusal.daemonMessage()) : names;
    }

    private static void checkName(String name) {
        try {
            VolumeSpec.checkName(name == null ? "" : name);
        } catch (IllegalArgumentException e) {
            throw new VolumeNotFoundException(String.valueOf(name));
        }
    }

    /** Maps a volume of {@code GET /volumes/{name}} or of the list onto {@link VolumeInfo}. */
    static VolumeInfo info(JsonNode json) {
        Map<String, String> labels = new LinkedHashMap<>();
        json.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText("")));
        String created = json.path("CreatedAt").asText("");
        return new VolumeInfo(json.path("Name").asText(), labels, json.path("Mountpoint").asText(""),
                created.isEmpty() ? null : ContainerMapper.instant(created));
    }
}
