package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.DockerfileImages;
import dev.stevedore.dsl.internal.Session;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.PortBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a frozen {@link ContainerDefinition} into the engine's {@link ContainerSpec} a {@link ContainerHandle}
 * creates its container from: ports on the loopback, session labels, its first network and aliases, limits.
 */
final class DefinitionSpecs {
    private DefinitionSpecs() {
    }

    /**
     * The spec for {@code definition} as the image {@code image}, named {@code engineName}, on {@code networkNames}
     * (the first one its network mode); the handle's hook and the definition's customizers are still to come.
     */
    static ContainerSpec.Builder of(ContainerDefinition definition, String image, String engineName, List<String> networkNames) {
        ContainerSpec.Builder spec = ContainerSpec.builder(image).name(engineName);
        if (definition.entrypoint() != null) {
            spec.entrypoint(definition.entrypoint());
        }
        if (definition.command() != null) {
            spec.cmd(definition.command());
        }
        definition.env().forEach(spec::env);
        for (ContainerDefinition.Port port : definition.ports()) {
            spec.port(new PortBinding(port.containerPort(), "tcp", "127.0.0.1", port.hostPort()));
            spec.expose(port.containerPort() + "/tcp");
        }
        spec.workingDir(definition.workingDir()).user(definition.user());
        spec.labels(definition.labels());
        spec.label(Session.SESSION_LABEL, Session.id()).label(Session.NAME_LABEL, definition.name());
        if (!networkNames.isEmpty()) {
            spec.networkMode(networkNames.get(0));
            aliases(definition, definition.networks().get(0)).forEach(spec::networkAlias);
        }
        definition.mounts().forEach(spec::mount);
        spec.memoryBytes(definition.memoryBytes()).cpus(definition.cpus());
        // an image of Images.dockerfile was just built here and exists nowhere to pull from
        spec.pullPolicy(DockerfileImages.isBuilt(image) ? ContainerSpec.PullPolicy.NEVER : definition.pullPolicy());
        if (definition.stopTimeout() != null) {
            spec.stopTimeout(definition.stopTimeout());
        }
        return spec;
    }

    /** The names the container answers to on a network: its DSL name, then the attachment's aliases. */
    static List<String> aliases(ContainerDefinition definition, ContainerDefinition.NetworkAttachment attachment) {
        List<String> aliases = new ArrayList<>();
        aliases.add(definition.name());
        attachment.aliases().stream().filter(a -> !aliases.contains(a)).forEach(aliases::add);
        return aliases;
    }
}
