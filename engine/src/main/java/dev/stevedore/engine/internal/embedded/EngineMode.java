package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Device;
import dev.stevedore.engine.internal.build.UpperDirectoryAccess;
import dev.stevedore.engine.internal.layer.LayerOwners;
import dev.stevedore.engine.internal.layer.LayerUnpacker;
import dev.stevedore.engine.internal.runtime.DeviceNode;
import dev.stevedore.engine.internal.runtime.IdMapping;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.ResourceLimits;
import dev.stevedore.engine.internal.runtime.RootlessHost;
import dev.stevedore.engine.internal.runtime.UserNamespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How this engine runs containers, chosen once when it opens: as root ({@link #rootful()}), or rootless as an
 * ordinary user ({@link #rootless}), where every container lives in the user's namespace. The differences are
 * here, each as one strategy the rest of the engine asks for: how layers get their owners, the argument that puts
 * launchers in the namespace, and which networks and limits a container may have.
 */
final class EngineMode {
    private static final Logger LOG = LoggerFactory.getLogger(EngineMode.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final UserNamespace namespace;

    private EngineMode(UserNamespace namespace) {
        this.namespace = namespace;
    }

    /** Root on the host: containers made with the launcher's own privileges. */
    static EngineMode rootful() {
        return new EngineMode(null);
    }

    /** Rootful as root, else rootless. */
    static EngineMode detect(Path stateDirectory) {
        return RootlessHost.effectiveUid() == 0 ? rootful() : rootless(stateDirectory, RootlessHost.check());
    }

    /**
     * An ordinary user: the user's namespace, made now (the check has named anything missing).
     *
     * @throws ContainerEngineException when the namespace cannot be made
     */
    static EngineMode rootless(Path stateDirectory, RootlessHost host) {
        if (host.warning() != null && WARNED.compareAndSet(false, true)) {
            LOG.warn(host.warning());
        }
        return new EngineMode(UserNamespace.shared(LauncherBinary.extract(stateDirectory), host));
    }

    boolean rootless() {
        return namespace != null;
    }

    /** How layers are unpacked: owners applied at once as root, or inside the user's namespace at the end. */
    LayerUnpacker unpacker() {
        if (namespace == null) {
            return new LayerUnpacker();
        }
        IdMapping ids = namespace.mapping();
        return new LayerUnpacker(LayerUnpacker.Options.rootless(() -> LayerOwners.deferred(ids::containerUid,
                ids::containerGid, (root, owners) -> namespace.own(root, owners.stream()
                        .map(o -> new UserNamespace.Owner(o.path(), o.uid(), o.gid(), o.mode())).toList()))));
    }

    /**
     * How image content is copied up into an empty volume: in the JVM ({@code inJvm}) as root; rootless, inside the
     * user's namespace (the launcher's copy-up mode), which can read and give the image's owners (postgres' data
     * directory belongs to uid 999, mode 0700).
     */
    ContainerCopies.CopyUp copyUp(ContainerCopies.CopyUp inJvm) {
        if (namespace == null) {
            return inJvm;
        }
        return (helper, root, target, volume) -> namespace.copyTree(
                Path.of("/proc", Long.toString(helper.pid()), "root", target.substring(1)), volume);
    }

    /**
     * Rootless, the file work on a container's tree that the kernel refuses the JVM, done inside the user's namespace
     * (results through files in {@code temp}); null for the rootful engine, which is refused nothing.
     */
    NamespacedFiles namespacedFiles(Path temp) {
        return namespace == null ? null : new NamespacedFiles(namespace, temp);
    }

    /**
     * How a container's upper directory is read into a layer (a RUN step, a commit): as it is, as root; rootless, with
     * the host's subordinate ids turned back into the container's, and what this JVM may not read read by a JVM inside
     * the user's namespace.
     */
    UpperDirectoryAccess upperDirectoryAccess(Path temp) {
        if (namespace == null) {
            return UpperDirectoryAccess.AS_ROOT;
        }
        IdMapping ids = namespace.mapping();
        return new UpperDirectoryAccess(ids::containerUid, ids::containerGid, namespacedFiles(temp)::layer);
    }

    /**
     * The arguments every container launcher gets ahead of its mode: rootless, join the user's namespace, and hold
     * its holder while the container runs (a kept container keeps the user's network namespace).
     */
    List<String> launcherArguments() {
        return namespace == null ? List.of() : List.of(namespace.launcherArgument(), namespace.lifelineArgument());
    }

    /** The user's namespaces a rootless engine's networks live in; null for the rootful engine. */
    UserNamespace userNamespace() {
        return namespace;
    }

    /**
     * Rootless, a container's limits need their controllers delegated to the user (see the runtime's
     * DelegatedCgroups): one that asks for a limit whose controller is not is refused here, before anything is
     * made, naming the controller and how to delegate it. A container that asks for none always starts.
     */
    void checkLimits(ContainerSpec spec) {
        if (namespace != null) {
            Launcher.checkRootlessLimits(new ResourceLimits(spec.memoryBytes(), ContainerConfigs.nanoCpus(spec.cpus()),
                    spec.pidsLimit(), spec.resources()), "of " + spec.image());
        }
        checkDevices(spec);
    }

    /**
     * Rootless, the host's node is bound as it is and the container's root is the user, so a node the user cannot
     * open as asked would only fail inside the container: refused here, saying so. (Whether it is a device node at
     * all is checked at start, as dockerd does.)
     */
    private void checkDevices(ContainerSpec spec) {
        if (namespace == null) {
            return;
        }
        for (Device device : spec.devices()) {
            DeviceNode node;
            try {
                node = DeviceNode.of(device);
            } catch (ContainerEngineException noDevice) {
                continue; // the start says so, in dockerd's words, as dockerd does
            }
            boolean read = !device.readable() || node.openable(false);
            boolean write = !device.writable() || node.openable(true);
            if (!(read && write)) {
                throw new ContainerEngineException("device " + device.pathOnHost() + " cannot be given to a rootless"
                        + " container: user " + System.getProperty("user.name") + " cannot open it for "
                        + (read ? "writing" : write ? "reading" : "reading and writing") + " on the host (a rootless"
                        + " container's root is that user); give the user access (its group, or a udev rule) or ask for"
                        + " less (" + device.pathOnHost() + ":" + device.pathInContainer() + ":" + (read ? "r" : "w") + ")");
            }
        }
    }
}
