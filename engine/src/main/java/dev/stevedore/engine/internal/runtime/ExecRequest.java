package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;

import dev.stevedore.engine.Ulimit;

import dev.stevedore.engine.internal.runtime.seccomp.SeccompFilter;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A command to run inside a running container through {@code launcher exec}.
 *
 * @param container        the container's pid 1 (pid and start time: a recycled pid is refused)
 * @param stateDirectory   the container's state directory: its cgroups are joined, the launcher's
 *                         diagnostics go to its {@code launcher.log}
 * @param args             the command, {@code args[0]} looked up in {@code env}'s PATH when it has no '/'
 * @param env              the complete environment ({@code HOME} is added from passwd when missing)
 * @param workingDirectory absolute path in the container; must exist
 * @param userSpec         Docker's user string, resolved through the container's /etc/passwd and /etc/group
 * @param additionalGids   supplementary groups on top of those the user has
 * @param capabilities     the capability set for a root process
 * @param noNewPrivileges  whether exec may not gain privileges
 * @param seccomp          the container's system-call filter, which the command runs under too; {@code null} for none
 * @param ulimits          the container's resource limits ({@code --ulimit}), which the command gets too
 * @param groupAdd         the container's {@code --group-add} (names resolved in its {@code /etc/group}), which the
 *                         command gets too, as with dockerd
 */
public record ExecRequest(ProcessIdentity container, Path stateDirectory, List<String> args, List<String> env,
                          String workingDirectory, String userSpec, List<Integer> additionalGids,
                          Set<Capability> capabilities, boolean noNewPrivileges, SeccompFilter seccomp,
                          List<Ulimit> ulimits, List<String> groupAdd) {
    public ExecRequest {
        groupAdd = groupAdd == null ? List.of() : List.copyOf(groupAdd);
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        args = List.copyOf(args);
        env = List.copyOf(env);
        additionalGids = List.copyOf(additionalGids);
        capabilities = Set.copyOf(capabilities);
        Objects.requireNonNull(userSpec, "userSpec");
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw new IllegalArgumentException("an exec needs a command");
        }
        if (workingDirectory == null || !workingDirectory.startsWith("/")) {
            throw new IllegalArgumentException("the working directory \"" + workingDirectory
                    + "\" of an exec must be an absolute path");
        }
    }

    /** A request without resource limits of its own. */
    public ExecRequest(ProcessIdentity container, Path stateDirectory, List<String> args, List<String> env,
                       String workingDirectory, String userSpec, List<Integer> additionalGids,
                       Set<Capability> capabilities, boolean noNewPrivileges, SeccompFilter seccomp) {
        this(container, stateDirectory, args, env, workingDirectory, userSpec, additionalGids, capabilities,
                noNewPrivileges, seccomp, List.of(), List.of());
    }

    /**
     * This request as the host can honour it: without a device policy (see {@link Cgroups.DevicePolicy#NONE}) no
     * process of a container may make device nodes, so CAP_MKNOD is taken away.
     */
    ExecRequest forDevicePolicy(boolean applies) {
        // a privileged exec (every capability) keeps it, as dockerd gives it
        if (applies || !capabilities.contains(Capability.MKNOD) || capabilities.size() == Capability.values().length) {
            return this;
        }
        Set<Capability> without = new java.util.HashSet<>(capabilities);
        without.remove(Capability.MKNOD);
        return new ExecRequest(container, stateDirectory, args, env, workingDirectory, userSpec, additionalGids, without,
                noNewPrivileges, seccomp, ulimits, groupAdd);
    }

    /** The spec "launcher exec" reads; {@code tty} (or {@code null}) asks for a pseudo-terminal of its size now. */
    byte[] encode(List<Path> cgroups, boolean withStdin, dev.stevedore.engine.Tty tty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Records.write(out, "version", "1");
        Records.write(out, "pid", Long.toString(container.pid()), Long.toString(container.startTime()));
        for (String arg : args) {
            Records.write(out, "arg", arg);
        }
        for (String entry : env) {
            Records.write(out, "env", entry);
        }
        Records.write(out, "cwd", workingDirectory);
        Records.write(out, "user-spec", userSpec);
        for (int gid : additionalGids) {
            Records.write(out, "group", Integer.toString(gid));
        }
        for (String group : groupAdd) {
            Records.write(out, "group-add", group);
        }
        for (Capability capability : capabilities) {
            Records.write(out, "cap", Integer.toString(capability.number()));
        }
        SpecRecords.writeUlimits(out, ulimits);
        Records.write(out, "no-new-privileges", noNewPrivileges ? "1" : "0");
        for (Path cgroup : cgroups) {
            Records.write(out, "cgroup", cgroup.toString());
        }
        if (seccomp != null) {
            Records.write(out, "seccomp", Integer.toString(seccomp.flags()), seccomp.program());
        }
        Records.write(out, "stdin", withStdin ? "1" : "0");
        if (tty != null) {
            Records.write(out, "tty", Integer.toString(tty.rows()), Integer.toString(tty.columns()));
        }
        Records.write(out, "end");
        return out.toByteArray();
    }
}
