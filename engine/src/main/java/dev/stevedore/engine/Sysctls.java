package dev.stevedore.engine;

import java.util.Set;

/** The rule of {@link ContainerSpec#sysctls()}: only kernel parameters the container's own namespaces hold, as runc. */
final class Sysctls {
    /** The sysctls a container may set in its own IPC namespace (runc's list), beside {@code fs.mqueue.*}. */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private Sysctls() {
    }

    /** Refuses a sysctl the container's namespaces do not hold, in runc's words (dockerd passes them on). */
    static void check(String key, String networkMode) {
        if (!key.matches("[A-Za-z0-9_-]+([./][A-Za-z0-9_-]+)+")) {
            throw new IllegalArgumentException("sysctl \"" + key + "\" is not a dotted kernel parameter name");
        }
        String dotted = key.replace('/', '.');
        if (IPC_SYSCTLS.contains(dotted) || dotted.startsWith("fs.mqueue.")) {
            return;
        }
        if (dotted.startsWith("net.")) {
            if ("host".equals(networkMode) || networkMode != null && networkMode.startsWith("container:")) {
                throw new IllegalArgumentException("sysctl \"" + key + "\" is not allowed in the hosts network namespace");
            }
            return;
        }
        if (dotted.equals("kernel.domainname")) {
            return;
        }
        if (dotted.equals("kernel.hostname")) {
            throw new IllegalArgumentException("sysctl \"" + key + "\" is not allowed as it conflicts with the OCI"
                    + " \"hostname\" field: set the hostname instead");
        }
        throw new IllegalArgumentException("sysctl \"" + key + "\" is not in a separate kernel namespace");
    }
}
