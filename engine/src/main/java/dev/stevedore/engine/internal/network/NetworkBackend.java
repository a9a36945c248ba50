package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.LauncherBinary;

import java.nio.file.Path;

/**
 * The parts of an engine's networks that depend on where they live, chosen once per engine: how bridges and veths
 * are wired, and how ports are published for containers that go with their JVM and for those that outlive it. The
 * rootful engine's are {@link #rootful}; a rootless engine (bridges in one network namespace of the user's, ports
 * served by a proxy that accepts on the host and connects inside it) brings its own, and the rest of the network
 * code stays as it is.
 *
 * @param wiring    bridges and veths
 * @param withJvm   publishes the ports of containers that go with this JVM
 * @param outliving publishes the ports of containers that outlive it (kept ones); their proxy is recorded, so any
 *                  JVM stops it and the next engine start replaces one that was killed
 */
record NetworkBackend(BridgeWiring wiring, PortPublisher withJvm, PortPublisher outliving) {

    /**
     * The host's network namespace over rtnetlink, this JVM's proxy, and the launcher's proxy mode extracted into
     * the state directory that {@code directory} ({@code <state>/networks}) lies in.
     *
     * @param owner the state directory's mark in bridge aliases
     */
    static NetworkBackend rootful(Path directory, String owner) {
        return new NetworkBackend(new HostBridges(directory, owner), new JvmPortPublisher(),
                new ProcessPortPublisher(() -> LauncherBinary.extract(directory.getParent())));
    }

    /**
     * An ordinary user's: a JVM cannot enter the user's namespaces, so every container's ports are served by a port
     * proxy process that binds on the host's loopback and then joins the container's own user and network
     * namespaces, reaching the container there (its loopback in network mode {@code none}); that one publisher
     * serves containers that go with this JVM and those that outlive it. Bridges are wired as the rootful engine
     * wires them until the user's network namespace holds them (the rootless engine offers no bridge networks yet).
     */
    static NetworkBackend rootless(Path directory, String owner) {
        PortPublisher inside = ProcessPortPublisher.insideContainer(() -> LauncherBinary.extract(directory.getParent()));
        return new NetworkBackend(new HostBridges(directory, owner), inside, inside);
    }
}
