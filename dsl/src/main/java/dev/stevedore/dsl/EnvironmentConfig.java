package dev.stevedore.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mutable spec of an {@link Environment}, handed to the {@link Stevedore#environment} lambda: declare
 * networks and containers here; the handles returned are what other containers {@code dependsOn} and join.
 */
public final class EnvironmentConfig {
    private final Map<String, NetworkHandle> networks = new LinkedHashMap<>();
    private final List<ContainerHandle> containers = new ArrayList<>();

    EnvironmentConfig() {
    }

    /** Declares a network named {@code name}. */
    public NetworkHandle network(String name) {
        return network(name, Configurer.none());
    }

    /** Declares a network named {@code name}, configured by {@code configurer}. */
    public NetworkHandle network(String name, Configurer<NetworkConfig> configurer) {
        if (networks.containsKey(name)) {
            throw new InvalidDefinitionException("environment: network \"" + name + "\"", "declared twice");
        }
        NetworkHandle network = Stevedore.network(name, configurer);
        networks.put(name, network);
        return network;
    }

    /** Declares a container named {@code name} running {@code image} with the image's defaults. */
    public ContainerHandle container(String name, String image) {
        return container(name, image, Configurer.none());
    }

    /** Declares a container named {@code name} running {@code image}, configured by {@code configurer}. */
    public ContainerHandle container(String name, String image, Configurer<ContainerConfig> configurer) {
        ContainerConfig config = new ContainerConfig(image, name);
        configurer.configure(config);
        return add(ContainerHandle.of(config.build("environment: ")));
    }

    /**
     * Declares a container named {@code name} of a ready-made {@code service}, configured by {@code configurer} on the
     * service's own spec: {@code e.container("db", Postgres.service(), pg -> pg.version("16"))}.
     */
    public <S, H extends ContainerHandle> H container(String name, Service<S, H> service, Configurer<S> configurer) {
        Objects.requireNonNull(service, "service");
        H container;
        try {
            container = service.define(name, configurer);
        } catch (InvalidDefinitionException e) {
            throw e.within("environment: ");
        }
        if (!container.name().equals(name)) {
            throw new InvalidDefinitionException("environment: container \"" + name + "\"", "the service named it \""
                    + container.name() + "\"; a service's container keeps the name it is declared with");
        }
        return add(container);
    }

    /** Adds a container made elsewhere (a ready-made service of another module, say). */
    public <T extends ContainerHandle> T add(T container) {
        Objects.requireNonNull(container, "container");
        for (ContainerHandle existing : containers) {
            if (existing.name().equals(container.name())) {
                throw new InvalidDefinitionException("environment: container \"" + container.name() + "\"", "declared twice");
            }
        }
        containers.add(container);
        return container;
    }

    Environment build() {
        for (ContainerHandle container : containers) {
            for (ContainerHandle dependency : container.dependencies()) {
                if (!containers.contains(dependency)) {
                    throw new InvalidDefinitionException("environment: container \"" + container.name() + "\"",
                            "depends on " + dependency + ", which is not part of this environment; declare it here or add(...) it");
                }
            }
        }
        return new Environment(containers, networks);
    }
}
