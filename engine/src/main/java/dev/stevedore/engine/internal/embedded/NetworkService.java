package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.network.NetworkSettings;
import dev.stevedore.engine.internal.runtime.UserNamespace;

import java.util.List;
import java.util.Objects;

/**
 * Networks in the embedded engine: the public network calls on top of {@link NetworkManager}, which
 * the container service also uses to wire containers (prepare at create, start at the launcher's
 * barrier, publish, stop, remove). Connecting and disconnecting containers needs to find them: the
 * container service provides a {@link ContainerLookup}.
 */
final class NetworkService implements AutoCloseable {

    /** What the network service needs to know of containers. */
    interface ContainerLookup {
        /**
         * The container with this id, unique id prefix or name.
         *
         * @throws dev.stevedore.engine.ContainerNotFoundException when there is none
         */
        Container find(String container);

        /**
         * A container as networks see it.
         *
         * @param pid its first process as the host sees it while it runs; 0 while it does not
         */
        record Container(String id, String name, long pid) {
        }
    }

    private final NetworkManager manager;
    private volatile ContainerLookup containers;

    NetworkService(EngineSettings settings, UserNamespace userNamespace) {
        this(settings, NetworkSettings.fromEnvironment(), null, userNamespace);
    }

    NetworkService(EngineSettings settings, NetworkSettings networkSettings, ContainerLookup containers) {
        this(settings, networkSettings, containers, null);
    }

    /** {@code userNamespace}: rootless, the user's namespaces the bridges live in; null for the rootful engine. */
    NetworkService(EngineSettings settings, NetworkSettings networkSettings, ContainerLookup containers,
                   UserNamespace userNamespace) {
        this.manager = new NetworkManager(settings.stateDirectory().resolve("networks"), networkSettings,
                MemoryStorage.root(settings.stateDirectory()).map(root -> root.resolve("networks")).orElse(null),
                userNamespace);
        this.containers = containers;
    }

    /** Wires the container side in, for engines that create the two services one after the other. */
    void containers(ContainerLookup lookup) {
        this.containers = Objects.requireNonNull(lookup, "lookup");
    }

    /** The manager the container service wires containers with. */
    NetworkManager manager() {
        return manager;
    }

    NetworkInfo create(NetworkSpec spec) {
        return manager.create(spec);
    }

    NetworkInfo inspect(String network) {
        return manager.inspect(network);
    }

    List<NetworkInfo> list() {
        return manager.list();
    }

    void remove(String network) {
        manager.remove(network);
    }

    void connect(String network, String container, List<String> aliases, String ipv4Address) {
        ContainerLookup.Container c = lookup().find(container);
        manager.connect(c.id(), network, aliases == null ? List.of() : aliases,
                ipv4Address == null ? null : ContainerSpec.ipv4(ipv4Address), c.pid());
    }

    void disconnect(String network, String container) {
        manager.disconnect(lookup().find(container).id(), network);
    }

    private ContainerLookup lookup() {
        ContainerLookup lookup = containers;
        if (lookup == null) {
            throw new ContainerEngineException("connecting containers to networks needs the container service, which"
                    + " this engine has not wired to its networks");
        }
        return lookup;
    }

    @Override
    public void close() {
        manager.close();
    }
}
