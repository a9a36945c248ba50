package dev.stevedore.serve.internal;

import com.fasterxml.jackson.core.type.TypeReference;
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
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

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
                networks, blankHostIp));
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

    private static Map<String, Object> plain(ObjectNode document) {
        return Json.MAPPER.convertValue(document, MAP);
    }
}
