package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Networks: create, list (with filters), inspect, connect, disconnect, remove, prune. */
final class NetworkRoutes {
    private static final String NETWORK = "(?<network>[^/]+)";

    private final ServeState state;
    private final ContainerRoutes containers;

    NetworkRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("GET", "/networks", this::list)
                .add("GET", "/networks/", this::list)
                .add("POST", "/networks/create", this::create)
                .add("POST", "/networks/prune", this::prune)
                .add("GET", "/networks/" + NETWORK, this::inspect)
                .add("POST", "/networks/" + NETWORK + "/connect", this::connect)
                .add("POST", "/networks/" + NETWORK + "/disconnect", this::disconnect)
                .add("DELETE", "/networks/" + NETWORK, this::remove);
    }

    /** The network with this name, id or unique id prefix; the pseudo-networks host and none by their ids too. */
    private NetworkInfo find(String network) {
        try {
            return state.engine.inspectNetwork(network);
        } catch (ContainerEngineException e) {
            List<NetworkInfo> matches = state.engine.networks().stream()
                    .filter(n -> n.name().equals(network) || n.id().startsWith(network)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.isEmpty() && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("no such network")) {
                throw ApiException.notFound("network " + network + " not found");
            }
            throw e;
        }
    }

    private void create(Exchange x) throws IOException {
        JsonNode body = x.body();
        String name = Json.text(body, "Name");
        if (name == null) {
            throw ApiException.badRequest("network name is required");
        }
        String driver = Json.text(body, "Driver");
        if (driver != null && !driver.equals("bridge")) {
            throw ApiException.badRequest("network driver \"" + driver + "\" is not supported by stevedore serve: only bridge networks");
        }
        if (state.engine.networks().stream().anyMatch(n -> n.name().equals(name))) {
            throw ApiException.conflict("network with name " + name + " already exists");
        }
        String subnet = null;
        for (JsonNode config : body.path("IPAM").path("Config")) {
            if (Json.text(config, "Subnet") != null && !Json.text(config, "Subnet").contains(":")) {
                subnet = Json.text(config, "Subnet");
                break;
            }
        }
        NetworkSpec spec;
        try {
            spec = new NetworkSpec(name, subnet, Json.stringMap(body, "Labels"), Json.bool(body, "Internal"),
                    Json.bool(body, "Attachable"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        NetworkInfo created = state.engine.createNetwork(spec);
        x.response().json(201, Json.object().put("Id", created.id()).put("Warning", ""));
    }

    private void list(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        ArrayNode list = Json.array();
        for (NetworkInfo network : state.engine.networks()) {
            boolean builtin = builtin(network);
            if (filters.matchesAny("name", List.of(network.name()), (wanted, name) -> name.contains(wanted))
                    && filters.matchesAny("id", List.of(network.id()), (wanted, id) -> id.startsWith(wanted))
                    && filters.matchesAny("driver", List.of(driver(network)), String::equals)
                    && filters.matchesAny("type", List.of(builtin ? "builtin" : "custom"), String::equals)
                    && filters.matchesAny("scope", List.of("local"), String::equals)
                    && filters.labels(network.labels())) {
                list.add(document(network, false));
            }
        }
        x.response().json(200, list);
    }

    private static boolean builtin(NetworkInfo network) {
        return network.name().equals("bridge") || network.name().equals("host") || network.name().equals("none");
    }

    private static String driver(NetworkInfo network) {
        if (network.driver() != null) {
            return network.driver();
        }
        return network.name().equals("host") ? "host" : "null";
    }

    private void inspect(Exchange x) throws IOException {
        x.response().json(200, document(find(x.param("network")), true));
    }

    private ObjectNode document(NetworkInfo network, boolean withContainers) {
        return document(network, state.started, withContainers ? id -> {
            try {
                return state.engine.inspectContainer(id).name();
            } catch (ContainerEngineException e) {
                return ""; // removed meanwhile: listed without its name
            }
        } : null);
    }

    /**
     * dockerd's network document; {@code containerNames} names each member by its id, or is null for the list's
     * document (dockerd lists no members there).
     */
    static ObjectNode document(NetworkInfo network, java.time.Instant created, java.util.function.Function<String, String> containerNames) {
        ObjectNode doc = Json.object();
        doc.put("Name", network.name());
        doc.put("Id", network.id());
        doc.put("Created", Json.time(created));
        doc.put("Scope", "local");
        doc.put("Driver", driver(network));
        doc.put("EnableIPv6", false);
        ObjectNode ipam = doc.putObject("IPAM").put("Driver", "default");
        ipam.putNull("Options");
        ArrayNode config = ipam.putArray("Config");
        if (network.subnet() != null && !network.subnet().isEmpty()) {
            ObjectNode subnet = config.addObject().put("Subnet", network.subnet());
            if (network.gateway() != null && !network.gateway().isEmpty()) {
                subnet.put("Gateway", network.gateway());
            }
        }
        // as asked at create, as dockerd shows them
        doc.put("Internal", network.internal());
        doc.put("Attachable", network.attachable());
        doc.put("Ingress", false);
        doc.set("ConfigFrom", Json.object().put("Network", ""));
        doc.put("ConfigOnly", false);
        ObjectNode members = doc.putObject("Containers");
        if (containerNames != null) {
            int prefix = ContainerDocuments.prefixLength(network.subnet());
            for (Map.Entry<String, String> member : network.containers().entrySet()) {
                String name = containerNames.apply(member.getKey());
                String address = member.getValue() == null || member.getValue().isEmpty() ? "" : member.getValue() + "/" + prefix;
                members.putObject(member.getKey()).put("Name", name).put("EndpointID", "").put("MacAddress", "")
                        .put("IPv4Address", address).put("IPv6Address", "");
            }
        }
        doc.set("Options", Json.object());
        doc.set("Labels", Json.stringMap(network.labels()));
        return doc;
    }

    private void connect(Exchange x) throws IOException {
        NetworkInfo network = find(x.param("network"));
        JsonNode body = x.body();
        ContainerInfo c = containers.find(container(body));
        List<String> aliases = Json.strings(body.path("EndpointConfig"), "Aliases");
        String address = body.path("EndpointConfig").path("IPAMConfig").path("IPv4Address").asText("");
        state.engine.connectNetwork(network.id(), c.id(), aliases == null ? List.of() : aliases,
                address.isEmpty() ? null : address);
        x.response().empty(200);
    }

    private void disconnect(Exchange x) throws IOException {
        NetworkInfo network = find(x.param("network"));
        ContainerInfo c = containers.find(container(x.body()));
        state.engine.disconnectNetwork(network.id(), c.id());
        x.response().empty(200);
    }

    private static String container(JsonNode body) {
        String container = Json.text(body, "Container");
        if (container == null) {
            throw ApiException.badRequest("no container given to connect or disconnect");
        }
        return container;
    }

    private void remove(Exchange x) throws IOException {
        NetworkInfo network = find(x.param("network"));
        if (builtin(network)) {
            throw new ApiException(403, network.name() + " is a pre-defined network and cannot be removed");
        }
        state.engine.removeNetwork(network.id());
        x.response().empty(204);
    }

    private void prune(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        ArrayNode deleted = Json.array();
        for (NetworkInfo network : state.engine.networks()) {
            if (!builtin(network) && network.containers().isEmpty() && filters.labels(network.labels())) {
                try {
                    state.engine.removeNetwork(network.id());
                    deleted.add(network.name());
                } catch (ContainerEngineException e) {
                    // joined or removed meanwhile
                }
            }
        }
        x.response().json(200, Json.object().set("NetworksDeleted", deleted));
    }
}
