package dev.stevedore.engine;

import java.util.List;

/**
 * The checks of {@link ContainerSpec}'s namespace modes, in dockerd's words so that a client sees the same refusal
 * from either backend. A blank mode becomes {@code null} (the default).
 */
final class NamespaceModes {
    private NamespaceModes() {
    }

    static String pid(String mode) {
        return hostOrContainer(mode, "invalid PID mode");
    }

    static String ipc(String mode) {
        mode = blankToNull(mode);
        if (mode == null || List.of("private", "shareable", "none", "host").contains(mode)) {
            return mode;
        }
        return container(mode, "Invalid IPC mode");
    }

    static String uts(String mode, String hostname) {
        mode = blankToNull(mode);
        if (mode != null && !mode.equals("host")) {
            throw new IllegalArgumentException("invalid UTS mode: " + mode + " (\"host\" or none)");
        }
        if (mode != null && hostname != null && !hostname.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: hostname and the UTS mode");
        }
        return mode;
    }

    static String cgroupns(String mode) {
        mode = blankToNull(mode);
        if (mode != null && !mode.equals("private") && !mode.equals("host")) {
            throw new IllegalArgumentException("invalid cgroup namespace mode: " + mode + " (\"private\" or \"host\")");
        }
        return mode;
    }

    static String userns(String mode) {
        mode = blankToNull(mode);
        if (mode != null && !mode.equals("host")) {
            throw new IllegalArgumentException("invalid user namespace mode: " + mode + " (\"host\" or none)");
        }
        return mode;
    }

    /** dockerd's refusals of what a container on another container's network cannot have of its own. */
    static void checkNetworkContainer(String networkMode, String hostname, List<PortBinding> ports, boolean publishAll,
                                      List<String> exposedPorts, List<String> dns, List<String> extraHosts) {
        if (networkMode == null || !networkMode.startsWith("container:")) {
            return;
        }
        container(networkMode, "Invalid network mode");
        if (hostname != null && !hostname.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: hostname and the network mode");
        }
        if (!dns.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: dns and the network mode");
        }
        if (!extraHosts.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: custom host-to-IP mapping and the network mode");
        }
        if (!ports.isEmpty() || publishAll) {
            throw new IllegalArgumentException("conflicting options: port publishing and the container type network mode");
        }
        if (!exposedPorts.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: port exposing and the container type network mode");
        }
    }

    private static String hostOrContainer(String mode, String invalid) {
        mode = blankToNull(mode);
        return mode == null || mode.equals("host") ? mode : container(mode, invalid);
    }

    private static String container(String mode, String invalid) {
        String name = ContainerSpec.sharedContainer(mode);
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(invalid + ": " + mode + " (\"host\" or \"container:<name|id>\")");
        }
        return mode;
    }

    private static String blankToNull(String mode) {
        return mode == null || mode.isEmpty() ? null : mode;
    }
}
