package dev.stevedore.serve.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a create asked that dockerd's inspect echoes as sent but the engine's spec does not say — which of
 * {@code Binds} and {@code Mounts} a mount came in, the empty device lists, the network mode {@code default} (the
 * docker CLI's, and dockerd's for none; the engine's is its bridge), {@code NetworkDisabled} with the mode and
 * bindings as sent, {@code AutoRemove} (done by the server, not the engine) — kept with the container as annotations
 * under {@link #PREFIX}, so that inspect answers the same after the server restarts on the same state. A client never
 * sees those keys: {@link #clientAnnotations} leaves them out, and a create that sends one is refused.
 */
final class CreateEcho {
    /** The annotation keys the server keeps for itself. */
    static final String PREFIX = "dev.stevedore.serve.";
    private static final String HOST_CONFIG = PREFIX + "host-config";
    private static final String NETWORK_DISABLED = PREFIX + "network-disabled";
    private static final String AUTO_REMOVE = PREFIX + "auto-remove";

    /**
     * Device lists dockerd echoes as {@code []} where the client sent a list (the docker CLI sends every one) and the
     * container has none, as {@code null} where it sent none.
     */
    private static final Set<String> EMPTY_AS_SENT = Set.of("BlkioWeightDevice", "BlkioDeviceReadBps",
            "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps");

    private CreateEcho() {
    }

    /** {@code spec} with the echo of create {@code body} among its annotations. */
    static ContainerSpec withEcho(ContainerSpec spec, JsonNode body, boolean autoRemove) {
        for (String key : spec.annotations().keySet()) {
            if (key.startsWith(PREFIX)) {
                throw ApiException.badRequest("HostConfig.Annotations key \"" + key + "\" is not supported by stevedore"
                        + " serve: keys starting " + PREFIX + " are its own; use another key");
            }
        }
        ContainerSpec.Builder b = spec.toBuilder().annotation(HOST_CONFIG, json(sentHostConfig(body.path("HostConfig"))));
        if (body.path("NetworkDisabled").asBoolean(false)) {
            String mode = body.path("HostConfig").path("NetworkMode").asText("");
            ObjectNode sent = Json.object().put("NetworkMode", mode.isEmpty() ? "default" : mode);
            if (body.path("HostConfig").path("PortBindings").isObject()) {
                sent.set("PortBindings", body.path("HostConfig").path("PortBindings"));
            }
            b.annotation(NETWORK_DISABLED, json(sent));
        }
        if (autoRemove) {
            b.annotation(AUTO_REMOVE, "true");
        }
        return b.build();
    }

    /**
     * {@code HostConfig.Binds} and {@code Mounts} as sent (dockerd echoes each as sent), the device lists sent, and the
     * mode {@code default} when that (or none) was sent.
     */
    private static ObjectNode sentHostConfig(JsonNode hostConfig) {
        ObjectNode sent = Json.object();
        String mode = hostConfig.path("NetworkMode").asText("");
        if (mode.isEmpty() || mode.equals("default")) {
            sent.put("NetworkMode", "default");
        }
        sent.set("Binds", hostConfig.path("Binds").isArray() ? hostConfig.get("Binds") : null);
        if (hostConfig.path("Mounts").isArray() && !hostConfig.get("Mounts").isEmpty()) {
            sent.set("Mounts", hostConfig.get("Mounts")); // dockerd leaves out an empty list (omitempty)
        }
        for (String list : EMPTY_AS_SENT) {
            if (hostConfig.path(list).isArray()) {
                sent.putArray(list);
            }
        }
        return sent;
    }

    /** The annotations a client gave, without the server's own; sorted, as Go writes a map. */
    static Map<String, String> clientAnnotations(ContainerSpec spec) {
        Map<String, String> client = new TreeMap<>(spec.annotations());
        client.keySet().removeIf(key -> key.startsWith(PREFIX));
        return client;
    }

    /** Whether the server removes container {@code c} when it exits ({@code HostConfig.AutoRemove}). */
    static boolean autoRemove(ContainerInfo c) {
        return c.spec().annotations().containsKey(AUTO_REMOVE);
    }

    /**
     * An inspect document ({@code Config} and {@code HostConfig}) or list summary (no {@code Config}) with what its
     * create sent where the engine's spec answers otherwise: every bind and volume as a bind, or the mode "none" a
     * {@code NetworkDisabled} container runs in.
     */
    static void echo(ContainerInfo c, ObjectNode document) {
        ObjectNode sentHost = read(c, HOST_CONFIG);
        if (sentHost != null && document.get("HostConfig") instanceof ObjectNode hostConfig) {
            boolean inspect = document.has("Config"); // a list summary's HostConfig has the mode alone
            sentHost.fields().forEachRemaining(field -> {
                if (inspect ? !EMPTY_AS_SENT.contains(field.getKey()) || hostConfig.path(field.getKey()).isNull()
                        : field.getKey().equals("NetworkMode")) {
                    hostConfig.set(field.getKey(), field.getValue());
                }
            });
        }
        ObjectNode sent = read(c, NETWORK_DISABLED);
        if (sent != null) {
            if (document.get("Config") instanceof ObjectNode config) { // inspect: the bindings as sent, none published
                config.put("NetworkDisabled", true);
                ((ObjectNode) document.get("HostConfig")).setAll(sent);
                ((ObjectNode) document.get("NetworkSettings")).putObject("Ports");
            } else {
                ((ObjectNode) document.get("HostConfig")).put("NetworkMode", sent.path("NetworkMode").asText());
                document.putArray("Ports");
            }
            ((ObjectNode) document.get("NetworkSettings")).putObject("Networks");
        }
    }

    private static ObjectNode read(ContainerInfo c, String key) {
        String text = c.spec().annotations().get(key);
        try {
            return text == null ? null : (ObjectNode) Json.MAPPER.readTree(text);
        } catch (JsonProcessingException | ClassCastException e) {
            return null; // not written by this server: nothing to echo
        }
    }

    private static String json(JsonNode node) {
        return new String(Json.bytes(node), StandardCharsets.UTF_8);
    }
}
