package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The namespaces a container shares instead of getting its own ({@code --pid}, {@code --ipc}, {@code --uts},
 * {@code --cgroupns}, {@code --network container:}). At create a {@code container:NAME} becomes
 * {@code container:<id>} (as dockerd records it) and what the engine cannot do is refused; at start each becomes one
 * of the launcher's {@code --ns=KIND:MODE} arguments (nsmodes.c), a joined container's by the pid and start time of
 * its first process, refused in dockerd's words when it does not run.
 */
final class SharedNamespaces {
    private SharedNamespaces() {
    }

    /** The spec with each {@code container:NAME} resolved to the container's id; refuses what the engine cannot do. */
    static ContainerSpec resolve(ContainerSpec spec, ContainerStore store, boolean rootless) {
        if (rootless) {
            // not joined but left out at the clone: a process of the user's namespace can mount neither /proc for the
            // host's pid namespace nor /dev/mqueue for its IPC namespace, both owned by the host's root
            refuseHost(spec.pidMode(), "--pid host", "process");
            refuseHost(spec.ipcMode(), "--ipc host", "IPC");
        }
        ContainerSpec.Builder b = spec.toBuilder();
        b.pidMode(resolved(spec.pidMode(), store));
        b.ipcMode(resolved(spec.ipcMode(), store));
        b.networkMode(resolved(spec.networkMode(), store));
        return b.build();
    }

    private static void refuseHost(String mode, String option, String what) {
        if ("host".equals(mode)) {
            throw new IllegalArgumentException(option + " is not available to a rootless engine: the host's " + what
                    + " namespace belongs to the host's root user, and a container of an ordinary user's namespace"
                    + " cannot mount its file system; run the engine as root, or share another container's namespace"
                    + " (container:NAME) instead");
        }
    }

    private static String resolved(String mode, ContainerStore store) {
        String other = ContainerSpec.sharedContainer(mode);
        return other == null ? mode : "container:" + store.resolve(other); // ContainerNotFoundException: 404
    }

    /** The id of the container whose network it shares, or null. */
    static String networkOwner(ContainerRecord config) {
        return ContainerSpec.sharedContainer(config.spec().networkMode());
    }

    /**
     * The launcher's {@code --ns=} values for {@code config} now; {@code states} gives another container's current
     * state. Refuses a container to join that does not run, and an IPC namespace its owner did not make shareable.
     */
    static List<String> launcherModes(ContainerRecord config, ContainerStore store, Function<String, StateRecord> states) {
        ContainerSpec spec = config.spec();
        List<String> modes = new ArrayList<>();
        host(modes, "pid", spec.pidMode());
        host(modes, "ipc", spec.ipcMode());
        host(modes, "uts", spec.utsMode());
        host(modes, "cgroup", spec.cgroupnsMode());
        if ("none".equals(spec.ipcMode())) {
            modes.add("ipc:none");
        }
        join(modes, "pid", spec.pidMode(), states, id -> "container " + id + " is not running");
        String ipcOwner = ContainerSpec.sharedContainer(spec.ipcMode());
        if (ipcOwner != null) {
            String ownerMode = store.readConfig(ipcOwner).map(c -> c.spec().ipcMode()).orElse(null);
            if (!"shareable".equals(ownerMode) && !"host".equals(ownerMode)) {
                throw new ContainerEngineException("can't join IPC of container " + ipcOwner + ": non-shareable IPC"
                        + " (hint: use IpcMode:shareable for the donor container)");
            }
        }
        join(modes, "ipc", spec.ipcMode(), states,
                id -> "can't join IPC of container " + id + ": container " + id + " is not running");
        join(modes, "net", spec.networkMode(), states, id -> "cannot join network of a non running container: " + id);
        return modes;
    }

    private static void host(List<String> modes, String kind, String mode) {
        if ("host".equals(mode)) {
            modes.add(kind + ":host");
        }
    }

    private static void join(List<String> modes, String kind, String mode, Function<String, StateRecord> states,
                             Function<String, String> notRunning) {
        String owner = ContainerSpec.sharedContainer(mode);
        if (owner == null) {
            return;
        }
        StateRecord state;
        try {
            state = states.apply(owner);
        } catch (ContainerEngineException e) {
            throw new ContainerEngineException(notRunning.apply(owner) + " (" + e.getMessage() + ")", e);
        }
        if (!state.running()) {
            throw new ContainerEngineException(notRunning.apply(owner));
        }
        modes.add(kind + ":" + state.pid() + "." + state.pidStart());
    }
}
