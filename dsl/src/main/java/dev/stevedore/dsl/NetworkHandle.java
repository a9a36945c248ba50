package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.Session;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A user-defined network of the DSL: containers that join it reach each other by their names and aliases.
 *
 * <p>It is created on the engine when the first container that joins it starts, and removed when the last
 * one stops (or at {@link #close()}). Its engine name is its DSL name plus a random suffix, so tests running
 * at the same time never share a network by accident; containers only ever use the DSL name, as an alias.
 */
public final class NetworkHandle implements AutoCloseable {
    private final String name;
    private final String subnet;
    private final boolean internal;
    private final Map<String, String> labels;
    private ContainerEngine engine;
    private String networkName;
    private int users;

    NetworkHandle(String name, NetworkConfig config) {
        this.name = Objects.requireNonNull(name, "name");
        this.subnet = config.subnet;
        this.internal = config.internal;
        this.labels = Map.copyOf(config.labels);
        try {
            NetworkSpec.named(name); // the engine's rules for names, checked now rather than at start
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException("network \"" + name + "\"", e.getMessage(), e);
        }
    }

    /** Its name in the DSL. */
    public String name() {
        return name;
    }

    /**
     * Its name on the engine, once created.
     *
     * @throws IllegalStateException when it is not created
     */
    public synchronized String networkName() {
        if (networkName == null) {
            throw new IllegalStateException("network \"" + name + "\" is not created: it is created when the first "
                    + "container on it starts, or by create(engine)");
        }
        return networkName;
    }

    public synchronized boolean isCreated() {
        return networkName != null;
    }

    /** Creates it on {@code engine} now (it stays until {@link #close()}), or does nothing when it exists there. */
    public synchronized NetworkHandle create(ContainerEngine engine) {
        acquire(engine);
        return this;
    }

    /** Removes it from the engine; the containers on it must be stopped first. */
    @Override
    public synchronized void close() {
        if (networkName != null) {
            remove();
        }
    }

    synchronized String acquire(ContainerEngine on) {
        if (networkName == null) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            String candidate = (name.length() > 54 ? name.substring(0, 54) : name) + "-" + suffix;
            Map<String, String> allLabels = new LinkedHashMap<>(labels);
            allLabels.put(Session.SESSION_LABEL, Session.id());
            allLabels.put(Session.NAME_LABEL, name);
            on.createNetwork(new NetworkSpec(candidate, subnet, allLabels, internal));
            engine = on;
            networkName = candidate;
            Session.live(this);
        } else if (engine != on) {
            throw new IllegalStateException("network \"" + name + "\" was created on another engine; "
                    + "the containers on one network must use one engine");
        }
        users++;
        return networkName;
    }

    synchronized void release() {
        if (users > 0 && --users == 0 && networkName != null) {
            remove();
        }
    }

    private void remove() {
        try {
            engine.removeNetwork(networkName);
        } finally {
            Session.gone(this);
            networkName = null;
            engine = null;
            users = 0;
        }
    }

    @Override
    public String toString() {
        return "network \"" + name + "\"" + (networkName != null ? " (" + networkName + ")" : "");
    }
}
