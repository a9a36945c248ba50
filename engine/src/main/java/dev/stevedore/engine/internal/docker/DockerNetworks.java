package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Networks through the Docker Engine API: user-defined bridge networks with the session labels (so
 * {@link SessionCleanup} removes them after the session's containers), inspect, list, remove, and
 * connecting containers under aliases ({@code EndpointConfig.Aliases}), which the daemon's DNS answers on
 * that network.
 */
final class DockerNetworks {
    private static final Pattern REFERENCE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private final DockerApi api;
    private final UUID session;
    private final Runnable beforeCreate;

    /**
     * @param beforeCreate runs before anything is created (registers the cleanup hook)
     */
    DockerNetworks(DockerApi api, UUID session, Runnable beforeCreate) {
        this.api = api;
        this.session = session;
        this.beforeCreate = beforeCreate;
    }

    NetworkInfo create(NetworkSpec spec) {
        ObjectNode body = DockerApi.MAPPER.createObjectNode();
        body.put("Name", spec.name()).put("Driver", "bridge").put("CheckDuplicate", true).put("Internal", spec.internal())
                .put("Attachable", spec.attachable());
        ObjectNode labels = body.putObject("Labels");
        Labels.forSessionUnlessKept(session, spec.labels()).forEach(labels::put);
        if (spec.subnet() != null) {
            body.putObject("IPAM").put("Driver", "default").putArray("Config").addObject().put("Subnet", spec.subnet());
        }
        beforeCreate.run();
        JsonNode created;
        try {
            created = api.call("POST", "/networks/create").jsonBody(body).json();
        } catch (DockerApiException e) {
            String hint = e.status() == 409 ? "; choose another name or remove that network"
                    : e.daemonMessage().toLowerCase(Locale.ROOT).contains("overlap") ? "; choose another subnet, or none to take a free one" : "";
            throw new ContainerEngineException("Creating network \"" + spec.name() + "\" failed: " + e.daemonMessage() + hint, e);
        }
        return inspect(created.path("Id").asText());
    }

    NetworkInfo inspect(String network) {
        try {
            return info(api.call("GET", "/networks/" + reference(network)).json());
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw notFound(network, e);
            }
            throw e;
        }
    }

    List<NetworkInfo> list() {
        List<NetworkInfo> result = new ArrayList<>();
        JsonNode summaries = api.call("GET", "/networks").json();
        if (summaries != null) {
            for (JsonNode summary : summaries) {
                // the list leaves out the containers on each network: one inspect each
                try {
                    result.add(inspect(summary.path("Id").asText()));
                } catch (ContainerEngineException removedMeanwhile) {
                    // gone between list and inspect
                }
            }
        }
        return result;
    }

    void remove(String network) {
        String ref = reference(network);
        try {
            api.call("DELETE", "/networks/" + ref).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw notFound(network, e);
            }
            if (e.status() == 403 || e.status() == 409 || e.daemonMessage().contains("active endpoints")) {
                List<String> names = new ArrayList<>();
                try {
                    api.call("GET", "/networks/" + ref).json().path("Containers")
                            .forEach(c -> names.add(c.path("Name").asText()));
                } catch (ContainerEngineException e2) {
                    // the daemon's message alone must do
                }
                throw new ContainerEngineException("Removing network " + network + " failed: containers are still on it"
                        + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")")
                        + "; remove them or disconnect them first (" + e.daemonMessage() + ")", e);
            }
            throw e;
        }
    }

    void connect(String network, String container, List<String> aliases, String ipv4Address) {
        ObjectNode body = DockerApi.MAPPER.createObjectNode().put("Container", DockerContainers.reference(container));
        ObjectNode endpoint = DockerApi.MAPPER.createObjectNode();
        if (aliases != null && !aliases.isEmpty()) {
            aliases.forEach(endpoint.putArray("Aliases")::add);
        }
        if (ipv4Address != null) {
            endpoint.putObject("IPAMConfig").put("IPv4Address", ContainerSpec.ipv4(ipv4Address));
        }
        if (!endpoint.isEmpty()) {
            body.set("EndpointConfig", endpoint);
        }
        change("connect", network, container, body);
    }

    void disconnect(String network, String container) {
        change("disconnect", network, container,
                DockerApi.MAPPER.createObjectNode().put("Container", DockerContainers.reference(container)).put("Force", false));
    }

    private void change(String action, String network, String container, ObjectNode body) {
        try {
            api.call("POST", "/networks/" + reference(network) + "/" + action).jsonBody(body).discard();
        } catch (DockerApiException e) {
            String message = e.daemonMessage().toLowerCase(Locale.ROOT);
            if (e.status() == 404 && message.contains("container")) {
                throw new ContainerNotFoundException(container);
            }
            if (e.status() == 404) {
                throw notFound(network, e);
            }
            throw new ContainerEngineException((action.equals("connect") ? "Connecting" : "Disconnecting") + " container "
                    + container + (action.equals("connect") ? " to" : " from") + " network " + network + " failed: "
                    + e.daemonMessage(), e);
        }
    }

    private static ContainerEngineException notFound(String network, DockerApiException e) {
        return new ContainerEngineException("There is no network " + network + " (" + e.daemonMessage()
                + "); list the networks with 'docker network ls'", e);
    }

    private static String reference(String network) {
        if (network == null || !REFERENCE.matcher(network).matches()) {
            throw new ContainerEngineException("There is no network \"" + network + "\": network names and ids are letters,"
                    + " digits, '_', '.' and '-'");
        }
        return network;
    }

    /** Maps {@code GET /networks/{id}} onto {@link NetworkInfo}. */
    static NetworkInfo info(JsonNode json) {
        JsonNode config = json.path("IPAM").path("Config");
        JsonNode first = config.isArray() && config.size() > 0 ? config.get(0) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        Map<String, String> labels = new LinkedHashMap<>();
        json.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText("")));
        Map<String, String> containers = new LinkedHashMap<>();
        json.path("Containers").properties().forEach(e -> {
            String address = e.getValue().path("IPv4Address").asText("");
            int slash = address.indexOf('/');
            containers.put(e.getKey(), slash < 0 ? address : address.substring(0, slash));
        });
        String driver = json.path("Driver").asText("");
        return new NetworkInfo(json.path("Id").asText(), json.path("Name").asText(), driver.isEmpty() || driver.equals("null")
                ? null : driver, first.path("Subnet").asText(""), first.path("Gateway").asText(""), labels, containers,
                json.path("Internal").asBoolean(false), json.path("Attachable").asBoolean(false));
    }
}
