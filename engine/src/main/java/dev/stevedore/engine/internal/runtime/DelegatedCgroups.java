package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The cgroups a rootless engine may use: the subtree an administrator delegated to its user, found from this JVM's
 * own groups (/proc/self/cgroup), never from an assumed path. systemd delegates {@code user@UID.service} on cgroup v2
 * ({@code Delegate=} hands the user the directory, its cgroup.procs and cgroup.subtree_control, with the controllers
 * enabled); on cgroup v1 an administrator chowns a group per controller hierarchy to the user. Either way the groups
 * that are the user's to write are those of the subtree, and the JVM runs somewhere inside it.
 *
 * <p>Per hierarchy, containers go under the nearest group, walking up from the JVM's own, that the user may write
 * (the directory and its cgroup.procs). On v1 that may be the JVM's own group (a v1 group with processes may have
 * children with limits). On v2 a group with processes may hand no controller to its children, so when the JVM's
 * own group is the nearest writable one its parent is taken if the user may write that too (as in systemd's
 * {@code user@UID.service}, where processes sit in leaves); a v2 controller is usable only where the group above the
 * containers' groups offers it (its cgroup.controllers) and holds no process of this JVM. Nothing found: no
 * controller, and a container that asks for a limit is refused naming the controller and the fix.
 */
final class DelegatedCgroups {
    private static final List<String> LIMITS = List.of(Cgroups.MEMORY, Cgroups.CPU, Cgroups.PIDS, Cgroups.CPUSET,
            Cgroups.BLKIO, Cgroups.IO);

    private DelegatedCgroups() {
    }

    /** This JVM's delegated subtree, read from /proc and probed with access(2). */
    static Cgroups detect() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8),
                    Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8),
                    System.getProperty("user.name"), DelegatedCgroups::mayWrite, DelegatedCgroups::read);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read this host's cgroup layout from /proc: " + e.getMessage(), e);
        }
    }

    /**
     * The delegated layout.
     *
     * @param mayWrite whether the user may create groups in a directory and move processes into it
     * @param read     a control file's content ({@code ""} when unreadable)
     */
    static Cgroups parse(List<String> mountinfo, List<String> ownGroups, String user, Predicate<Path> mayWrite,
                         Function<Path, String> read) {
        Cgroups.Mounts mounts = Cgroups.mounts(mountinfo, ownGroups);
        Map<String, Cgroups.Controller> found = new LinkedHashMap<>();
        for (Cgroups.Controller controller : mounts.v1().values()) {
            if (!LIMITS.contains(controller.name())) {
                continue; // v1 devices rules need CAP_SYS_ADMIN
            }
            Path own = group(controller.mount(), controller.ownGroup());
            Path base = nearestWritable(controller.mount(), own, mayWrite);
            if (base != null) {
                found.put(controller.name(), new Cgroups.Controller(controller.name(), controller.mount(),
                        "/" + controller.mount().relativize(base), false));
            }
        }
        if (mounts.v2Mount() == null || mounts.v2Group() == null) {
            return Cgroups.delegated(found, null, List.of(), user);
        }
        Path own = group(mounts.v2Mount(), mounts.v2Group());
        Path base = nearestWritable(mounts.v2Mount(), own, mayWrite);
        if (base == null) {
            return Cgroups.delegated(found, null, List.of(), user);
        }
        if (base.equals(own) && !own.equals(mounts.v2Mount()) && mayWrite.test(own.getParent())) {
            base = own.getParent();
        }
        Path parent = base.resolve("stevedore");
        if (!base.equals(own) && mayWrite.test(base.resolve("cgroup.subtree_control"))) {
            for (String name : read.apply(base.resolve("cgroup.controllers")).split(" ")) {
                if (LIMITS.contains(name)) {
                    found.put(name, new Cgroups.Controller(name, mounts.v2Mount(), "/", true));
                }
            }
        }
        return Cgroups.delegated(found, parent, List.of(base, parent), user);
    }

    /** The refusal of a limit whose controller is not delegated to {@code user}, with the fix. */
    static String refusal(String controller, String what, String containerName, String user) {
        return "container " + containerName + " asks for " + what + ", but the rootless engine of user " + user
                + " has no " + controller + " cgroup controller delegated to it: no " + controller + " group that this JVM "
                + "is in, or one above it, is writable by " + user + ". Delegate one: with systemd and cgroup v2, a "
                + "drop-in /etc/systemd/system/user@.service.d/delegate.conf holding \"[Service]\" and \"Delegate=pids "
                + "memory cpu cpuset io\", then systemctl daemon-reload and a new login of the user; on cgroup v1, an administrator "
                + "creates a group in /sys/fs/cgroup/" + controller + " and chowns it (the directory, cgroup.procs and tasks) "
                + "to " + user + ", and the JVM starts inside it. Or leave the limit out, run as root, or use "
                + "STEVEDORE_ENGINE=docker";
    }

    private static Path group(Path mount, String ownGroup) {
        String relative = ownGroup.replaceFirst("^/+", "");
        return relative.isEmpty() ? mount : mount.resolve(relative);
    }

    /** {@code own} or the nearest group above it (not above {@code mount}) that the user may write; null for none. */
    private static Path nearestWritable(Path mount, Path own, Predicate<Path> mayWrite) {
        for (Path group = own; group != null && group.startsWith(mount); group = group.getParent()) {
            if (mayWrite.test(group) && mayWrite.test(group.resolve("cgroup.procs"))) {
                return group;
            }
        }
        return null;
    }

    private static boolean mayWrite(Path path) {
        return Files.isWritable(path);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
