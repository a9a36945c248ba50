package dev.stevedore.engine;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
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

    private static final String ALL = "ALL";

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

    /**
     * Docker's name for a capability as {@code --cap-add}/{@code --cap-drop} take it: {@code CAP_} and upper case added
     * ({@code net_admin} → {@code CAP_NET_ADMIN}), {@code ALL} kept; a name no kernel knows is refused, as dockerd
     * refuses it.
     */
    public static String normalize(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        if (upper.equals(ALL)) {
            return ALL;
        }
        String bare = upper.startsWith("CAP_") ? upper.substring(4) : upper;
        for (Capability capability : values()) {
            if (capability.name().equals(bare)) {
                return "CAP_" + bare;
            }
        }
        throw new IllegalArgumentException("unknown capability: \"" + name + "\" (use a name of capabilities(7), with or"
                + " without CAP_, or ALL)");
    }

    /**
     * The set a container gets from {@code defaults} with Docker's {@code CapAdd} and {@code CapDrop} applied as moby's
     * {@code caps.TweakCapabilities} does: {@code ALL} added gives every capability but those dropped; {@code ALL}
     * dropped gives only those added; otherwise the dropped ones leave the defaults and the added ones join them.
     */
    public static Set<Capability> adjusted(Set<Capability> defaults, List<String> add, List<String> drop) {
        List<String> adds = add.stream().map(Capability::normalize).toList();
        List<String> drops = drop.stream().map(Capability::normalize).toList();
        Set<Capability> result = EnumSet.noneOf(Capability.class);
        if (adds.contains(ALL)) {
            result.addAll(EnumSet.allOf(Capability.class));
            drops.stream().filter(d -> !d.equals(ALL)).forEach(d -> result.remove(of(d)));
        } else if (drops.contains(ALL)) {
            adds.forEach(a -> result.add(of(a)));
        } else {
            result.addAll(defaults);
            drops.forEach(d -> result.remove(of(d)));
            adds.forEach(a -> result.add(of(a)));
        }
        return Collections.unmodifiableSet(result);
    }

    private static Capability of(String normalized) {
        return valueOf(normalized.substring(4));
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
