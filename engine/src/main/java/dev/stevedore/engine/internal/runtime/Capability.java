package dev.stevedore.engine.internal.runtime;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Linux capabilities by their kernel numbers (the ordinal is the number, as in
 * {@code linux/capability.h}). {@link #dockerDefaults()} is the set a Docker container gets.
 */
public enum Capability {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, LINUX_IMMUTABLE,
    NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO, SYS_CHROOT,
    SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE, SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE,
    AUDIT_WRITE, AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ,
    PERFMON, BPF, CHECKPOINT_RESTORE;

    private static final Set<Capability> DOCKER_DEFAULTS = Collections.unmodifiableSet(EnumSet.of(
            CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
            NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE));

    /** The kernel's number for this capability. */
    public int number() {
        return ordinal();
    }

    /** Docker's default 14 capabilities (moby {@code daemon/pkg/oci/caps/defaults.go}). */
    public static Set<Capability> dockerDefaults() {
        return DOCKER_DEFAULTS;
    }

    /**
     * What a container of the embedded engine gets: Docker's defaults. Docker lets a container make device nodes
     * because its device cgroup refuses all but the standard ones at {@code mknod} and {@code open}; so does this
     * engine's (a cgroup v2 device program or v1 device rules, see {@code Cgroups}). On a host that offers neither, the
     * launcher leaves {@code MKNOD} out, so a root container cannot make a node of the host's disk wherever a mount
     * lacks {@code nodev}. FIFOs and sockets need no capability and stay possible.
     */
    public static Set<Capability> containerDefaults() {
        return DOCKER_DEFAULTS;
    }

    /** The capability set as the kernel's bit mask, as {@code /proc/PID/status} prints it. */
    public static long mask(Set<Capability> capabilities) {
        long mask = 0;
        for (Capability capability : capabilities) {
            mask |= 1L << capability.number();
        }
        return mask;
    }
}
