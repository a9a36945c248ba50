package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.StartPlan;
import dev.stevedore.engine.ContainerEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Containers and networks started and stopped together: independent containers start in parallel, a container
 * starts once everything it depends on is ready, and stopping goes in the reverse order. Made by
 * {@link Stevedore#environment}.
 *
 * <pre>{@code
 * try (var env = Stevedore.environment(e -> {
 *         var net = e.network("backend");
 *         var db  = e.container("db", Postgres.service(), pg -> pg.version("16").network(net));
 *         e.container("api", "example/api:1.4", c -> c.env("DB_HOST", "db").expose(8080).network(net).dependsOn(db));
 *     }).start()) {
 *     System.out.println(env.container("api").endpoint(8080));
 * }
 * }</pre>
 *
 * <p>({@code Postgres} is {@code dev.stevedore.postgres.Postgres} of {@code stevedore-postgres}: a ready-made service
 * that an environment declares through {@link Service}, without this module knowing it.)
 */
public final class Environment implements Startable {
    private final Map<String, ContainerHandle> containers = new LinkedHashMap<>();
    private final Map<String, NetworkHandle> networks;

    Environment(List<ContainerHandle> containers, Map<String, NetworkHandle> networks) {
        containers.forEach(c -> this.containers.put(c.name(), c));
        this.networks = Collections.unmodifiableMap(new LinkedHashMap<>(networks));
    }

    @Override
    public Environment start() {
        return start(Engines.shared());
    }

    /** Starts every container on {@code engine}; when one fails, those started are stopped again and the failure thrown. */
    @Override
    public synchronized Environment start(ContainerEngine engine) {
        try {
            StartPlan.startAll(engine, containers.values());
        } catch (RuntimeException | Error e) {
            closeNetworks(e);
            throw e;
        }
        return this;
    }

    /** Stops every container, dependents first, then removes the networks. */
    @Override
    public synchronized void stop() {
        RuntimeException failure = null;
        try {
            StartPlan.stopAll(containers.values());
        } catch (RuntimeException e) {
            failure = e;
        }
        closeNetworks(failure);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isRunning() {
        return containers.values().stream().anyMatch(ContainerHandle::isRunning);
    }

    /** The containers, in the order declared. */
    public List<ContainerHandle> containers() {
        return List.copyOf(containers.values());
    }

    /**
     * The container named {@code name}.
     *
     * @throws IllegalArgumentException naming the containers there are, when none has that name
     */
    public ContainerHandle container(String name) {
        ContainerHandle container = containers.get(name);
        if (container == null) {
            throw new IllegalArgumentException("the environment has no container \"" + name + "\"; it has "
                    + containers.keySet().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ")));
        }
        return container;
    }

    /** The container named {@code name}, as {@code type} (e.g. {@code PostgresContainer}). */
    public <T extends ContainerHandle> T container(String name, Class<T> type) {
        ContainerHandle container = container(name);
        if (!type.isInstance(container)) {
            throw new IllegalArgumentException("container \"" + name + "\" is a " + container.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(container);
    }

    /** The network named {@code name}. */
    public NetworkHandle network(String name) {
        NetworkHandle network = networks.get(name);
        if (network == null) {
            throw new IllegalArgumentException("the environment has no network \"" + name + "\"; it has " + networks.keySet());
        }
        return network;
    }

    private void closeNetworks(Throwable failure) {
        List<NetworkHandle> all = new ArrayList<>(networks.values());
        for (NetworkHandle network : all) {
            try {
                network.close();
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    throw e;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "environment of " + containers.keySet();
    }
}
