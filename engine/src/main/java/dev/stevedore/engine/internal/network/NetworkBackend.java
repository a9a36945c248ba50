package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.UserNamespace;

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
        return new NetworkBackend(new HostBridges(directory, owner, LinkNamespace.host()), new JvmPortPublisher(),
                new ProcessPortPublisher(() -> LauncherBinary.extract(directory.getParent())));
    }

    /**
     * A rootless engine's: the bridges in the user's network namespace, which {@code namespace}'s holder keeps, and
     * ports served by port proxy processes that bind on the host's loopback and then join the holder's user and
     * network namespaces, where they connect to the containers' addresses on those bridges. A JVM cannot enter the
     * user's namespaces, so that one publisher serves containers that go with this JVM and those that outlive it.
     */
    static NetworkBackend rootless(Path directory, String owner, UserNamespace namespace) {
        PortPublisher inside = ProcessPortPublisher.insideNamespaceOf(() -> LauncherBinary.extract(directory.getParent()),
                namespace::holderPid);
        return new NetworkBackend(new HostBridges(directory, owner, LinkNamespace.user(namespace)), inside, inside);
    }
}
