package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;

import dev.stevedore.engine.Ulimit;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/** A {@link RuntimeSpec} as the launcher reads it (the record format of launcher.h, read by spec.c). */
final class SpecRecords {
    private SpecRecords() {
    }

    /**
     * The spec as the launcher reads it, with the cgroups the container is to join; without a device policy the
     * container gets no CAP_MKNOD.
     */
    static byte[] encode(RuntimeSpec spec, Cgroups.Made made) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Records.write(out, "version", "1");
        Records.write(out, "state-dir", spec.stateDirectory().toString());
        for (Path layer : spec.layers()) {
            Records.write(out, "layer", layer.toString());
        }
        Records.write(out, "upper", spec.upperDirectory().toString());
        Records.write(out, "work", spec.workDirectory().toString());
        Records.write(out, "rootfs", spec.rootfs().toString());
        for (String arg : spec.args()) {
            Records.write(out, "arg", arg);
        }
        for (String entry : spec.env()) {
            Records.write(out, "env", entry);
        }
        Records.write(out, "cwd", spec.workingDirectory());
        Records.write(out, "user", Integer.toString(spec.uid()), Integer.toString(spec.gid()));
        for (int additional : spec.additionalGids()) {
            Records.write(out, "group", Integer.toString(additional));
        }
        if (spec.userSpec() != null) {
            Records.write(out, "user-spec", spec.userSpec());
        }
        Records.write(out, "hostname", spec.hostname());
        Records.write(out, "network", spec.network() == RuntimeSpec.NetworkMode.HOST ? "host" : "none");
        etc(out, spec.hostsFile(), "/etc/hosts");
        etc(out, spec.hostnameFile(), "/etc/hostname");
        etc(out, spec.resolvConfFile(), "/etc/resolv.conf");
        for (RuntimeSpec.Mount mount : spec.mounts()) {
            if (mount instanceof RuntimeSpec.Bind bind) {
                Records.write(out, "bind", bind.source().toString(), bind.target(), bind.readOnly() ? "ro" : "rw");
            } else if (mount instanceof RuntimeSpec.Tmpfs tmpfs) {
                Records.write(out, "tmpfs", tmpfs.target(), tmpfs.flags(), tmpfs.data());
            }
        }
        Records.write(out, "shm-size", Long.toString(spec.shmSizeBytes()));
        Records.write(out, "readonly-rootfs", spec.readonlyRootfs() ? "1" : "0");
        Records.write(out, "no-new-privileges", spec.noNewPrivileges() ? "1" : "0");
        for (Capability capability : spec.capabilities()) {
            // privileged: dockerd's every capability, MKNOD too, whatever polices devices
            if (capability != Capability.MKNOD || made.devices() != Cgroups.DevicePolicy.NONE || spec.privileged()) {
                Records.write(out, "cap", Integer.toString(capability.number()));
            }
        }
        writeUlimits(out, spec.ulimits());
        for (String path : spec.maskedPaths()) {
            Records.write(out, "masked", path);
        }
        for (String path : spec.readonlyPaths()) {
            Records.write(out, "readonly", path);
        }
        for (Path cgroup : made.groups()) {
            Records.write(out, "cgroup", cgroup.toString());
        }
        if (made.program() != null && !spec.privileged()) {
            // privileged: no program, so every device is allowed (dockerd's "a *:* rwm")
            Records.write(out, "devices-program", made.program().toString());
        }
        if (spec.privileged()) {
            Records.write(out, "privileged", "1");
        }
        if (spec.openStdin()) {
            Records.write(out, "stdin", "1");
        }
        if (spec.tty()) {
            // 0 0: the launcher's 24x80 until the first resize
            Records.write(out, "tty", "0", "0");
        }
        for (DeviceNode device : spec.devices()) {
            Records.write(out, "device", String.valueOf(device.type()), Long.toString(device.major()),
                    Long.toString(device.minor()), device.permissions(), device.hostPath().toString(), device.containerPath());
        }
        if (spec.seccomp() != null) {
            Records.write(out, "seccomp", Integer.toString(spec.seccomp().flags()), spec.seccomp().program());
        }
        for (String group : spec.groupAdd()) {
            Records.write(out, "group-add", group);
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty()) {
            Records.write(out, "domainname", spec.domainname());
        }
        // Docker takes net/ipv4/ip_forward as well as net.ipv4.ip_forward; the launcher maps dots to the path
        spec.sysctls().forEach((key, value) -> Records.write(out, "sysctl", key.replace('/', '.'), value));
        if (spec.init()) {
            Records.write(out, "init", "1");
        }
        if (spec.oomScoreAdj() != 0) {
            Records.write(out, "oom-score-adj", Integer.toString(spec.oomScoreAdj()));
        }
        Records.write(out, "stdout", spec.stdoutLog().toString());
        Records.write(out, "stderr", spec.stderrLog().toString());
        if (spec.logRotation() != null) {
            Records.write(out, "log-rotate", Long.toString(spec.logRotation().maxSize()),
                    Integer.toString(spec.logRotation().maxFiles()));
        }
        Records.write(out, "end");
        return out.toByteArray();
    }

    private static void etc(ByteArrayOutputStream out, Path source, String target) {
        if (source != null) {
            Records.write(out, "etc", source.toAbsolutePath().toString(), target);
        }
    }

    /** The launcher's {@code rlimit NAME RESOURCE SOFT HARD} records, for a container's spec and an exec's. */
    static void writeUlimits(ByteArrayOutputStream out, java.util.List<Ulimit> ulimits) {
        for (Ulimit ulimit : ulimits) {
            Records.write(out, "rlimit", ulimit.name(), Integer.toString(ulimit.resource()), rlimitValue(ulimit.soft()),
                    rlimitValue(ulimit.hard()));
        }
    }

    private static String rlimitValue(long limit) {
        return limit == Ulimit.UNLIMITED ? "unlimited" : Long.toString(limit);
    }
}
