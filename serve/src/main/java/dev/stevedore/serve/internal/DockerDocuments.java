package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.VolumeInfo;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The engine's objects as the Docker Engine API documents them, made by the very code that answers
 * {@code GET /containers/{id}/json}, {@code /images/{name}/json}, {@code /networks/{id}} and {@code /volumes/{name}} in {@code stevedore serve}, as
 * plain Java values (maps in docker's field order, lists, strings, numbers, booleans and nulls): for the CLI's
 * {@code inspect} commands and their Go templates, so that docker's shapes have one implementation. The label the
 * CLI adds for its own bookkeeping ({@link ContainerSpec#KEEP_LABEL}: what it made outlives the command) is left out of
 * them, as the user did not ask for it.
 */
public final class DockerDocuments {
    private DockerDocuments() {
    }

    /**
     * A container's document, as {@code docker inspect} prints it. {@code image} is the config of the container's
     * image ({@link ImageConfig#empty()} when it is gone); networks it is on are read from {@code engine}.
     */
    public static Map<String, Object> container(ContainerEngine engine, ContainerInfo container, ImageConfig image) {
        Map<String, NetworkInfo> read = new HashMap<>();
        Function<String, NetworkInfo> networks = name -> read.computeIfAbsent(name, n -> {
            try {
                return engine.inspectNetwork(n);
            } catch (ContainerEngineException e) {
                return null; // removed meanwhile
            }
        });
        // the address a port binding asked without one got: the engine's default, echoed as "" as dockerd does
        String blankHostIp = new PortBinding(1, "tcp", null, 0).hostIp();
        Map<String, Object> document = plain(ContainerDocuments.inspect(container, image, container.spec().autoRemove(),
                networks, MountDocuments.volumes(engine), blankHostIp));
        if (document.get("Config") instanceof Map<?, ?> config) {
            withoutBookkeeping(config);
        }
        return document;
    }

    /** A network's document, as {@code docker network inspect} prints it, its members named. */
    public static Map<String, Object> network(ContainerEngine engine, NetworkInfo network) {
        return withoutBookkeeping(plain(NetworkRoutes.document(network, null, id -> {
            try {
                return engine.inspectContainer(id).name();
            } catch (ContainerEngineException e) {
                return ""; // removed meanwhile: listed without its name
            }
        })));
    }

    /** An image's document, as {@code docker image inspect} prints it. */
    public static Map<String, Object> image(Image image) {
        return plain(ImageRoutes.document(image));
    }

    /** A volume's document, as {@code docker volume inspect} prints it. */
    public static Map<String, Object> volume(VolumeInfo volume) {
        return withoutBookkeeping(plain(VolumeRoutes.document(volume)));
    }

    private static <M extends Map<?, ?>> M withoutBookkeeping(M document) {
        if (document.get("Labels") instanceof Map<?, ?> labels) {
            labels.remove(ContainerSpec.KEEP_LABEL);
        }
        return document;
    }

    /**
     * The document as maps and lists: a struct's fields in their order ({@code LinkedHashMap}), a field whose value is a
     * Go map ({@link #GO_MAPS}) as a sorted map, so that the CLI writes it by sorted key as Go's encoding/json does.
     */
    private static Map<String, Object> plain(ObjectNode document) {
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) plain(document, false);
        return plain;
    }

    private static Object plain(com.fasterxml.jackson.databind.JsonNode node, boolean goMap) {
        if (node.isObject()) {
            Map<String, Object> map = goMap ? new java.util.TreeMap<>() : new java.util.LinkedHashMap<>();
            node.fields().forEachRemaining(field -> map.put(field.getKey(),
                    plain(field.getValue(), !goMap && (GO_MAPS.contains(field.getKey()) || field.getKey().equals("Config")
                            && node.has("Type") && !node.has("Hostname")))));
            return map;
        }
        if (node.isArray()) {
            java.util.List<Object> list = new java.util.ArrayList<>();
            node.forEach(element -> list.add(plain(element, false)));
            return list;
        }
        return Json.MAPPER.convertValue(node, Object.class);
    }

    /** The fields of docker's documents whose values are Go maps (LogConfig's {@code Config} is told by its {@code Type}). */
    private static final java.util.Set<String> GO_MAPS = java.util.Set.of("Labels", "ExposedPorts", "Volumes", "Networks",
            "Ports", "Options", "Data", "Containers", "Tmpfs", "Sysctls", "StorageOpt", "DriverOpts", "Attributes");
}
