package dev.stevedore.engine.internal.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks a {@link RuntimeSpec} gets when it is made, so that an invalid one never reaches the launcher; grouped
 * as the launcher uses its parts: the root file system's directories, the process, what is mounted or hidden. A
 * failure is an {@link IllegalArgumentException} naming the spec and what was wrong.
 */
final class RuntimeSpecChecks {
    /** What the kernel takes as a hostname (and the launcher as {@code sethostname}'s argument). */
    static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,63})?");

    /** The kernel takes overlayfs options in one page; the launcher refuses longer ones. */
    private static final int MAX_OVERLAY_OPTIONS = 4095;
    private static final long MAX_ID = Integer.MAX_VALUE;

    private final String where;

    RuntimeSpecChecks(Path stateDirectory) {
        this.where = "runtime spec for " + stateDirectory + ": ";
    }

    /** Layers, upper and work directories that overlayfs options can carry, in one page; absolute mount points. */
    void rootFileSystem(List<Path> layers, Path upperDirectory, Path workDirectory, Path rootfs, Path stateDirectory) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(where + "no image layer given; a root file system needs at least one");
        }
        for (Path layer : layers) {
            overlaySafe("layer directory", layer);
        }
        overlaySafe("upper directory", upperDirectory);
        overlaySafe("work directory", workDirectory);
        absolute("root file system mount point", rootfs);
        absolute("state directory", stateDirectory);
        int overlayOptions = RuntimeSpec.overlayOptions(layers, upperDirectory, workDirectory).getBytes(StandardCharsets.UTF_8).length;
        if (overlayOptions > MAX_OVERLAY_OPTIONS) {
            throw new IllegalArgumentException(where + layers.size() + " layers need " + overlayOptions
                    + " bytes of overlayfs options, the kernel takes " + MAX_OVERLAY_OPTIONS
                    + "; keep layer directories on shorter paths or squash the image");
        }
    }

    /** A command, {@code KEY=value} entries, an absolute working directory, ids in range, a usable user and hostname. */
    void process(List<String> args, List<String> env, String workingDirectory, int uid, int gid,
                 List<Integer> additionalGids, String userSpec, String hostname) {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw new IllegalArgumentException(where + "no command given: the image has neither Entrypoint nor Cmd "
                    + "and the request named none");
        }
        for (String entry : env) {
            if (entry.indexOf('=') <= 0) {
                throw new IllegalArgumentException(where + "environment entry \"" + entry + "\" is not KEY=value");
            }
        }
        containerPath("working directory", workingDirectory);
        id("uid", uid);
        id("gid", gid);
        for (int additional : additionalGids) {
            id("supplementary gid", additional);
        }
        if (userSpec != null && (userSpec.indexOf('\0') >= 0 || userSpec.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException(where + "user \"" + userSpec + "\" contains a NUL or newline character");
        }
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException(where + "hostname \"" + hostname
                    + "\" is not 1 to 64 letters, digits, '.' and '-' starting with a letter or digit");
        }
    }

    /** Mount targets and hidden paths absolute, normalised, once each, none over / or /proc; a positive shm size. */
    void mounts(List<RuntimeSpec.Mount> mounts, long shmSizeBytes, List<String> maskedPaths, List<String> readonlyPaths,
                List<DeviceNode> devices) {
        Set<String> targets = new LinkedHashSet<>();
        for (RuntimeSpec.Mount mount : mounts) {
            containerPath("mount target", mount.target());
            if (mount.target().equals("/") || mount.target().equals("/proc") || mount.target().startsWith("/proc/")) {
                throw new IllegalArgumentException(where + "mount target \"" + mount.target()
                        + "\" is not allowed: nothing may be mounted over / or /proc");
            }
            if (!targets.add(mount.target())) {
                throw new IllegalArgumentException(where + "mount target \"" + mount.target() + "\" is used twice");
            }
            if (mount instanceof RuntimeSpec.Bind bind) {
                absolute("bind mount source", bind.source());
            }
        }
        if (shmSizeBytes <= 0) {
            throw new IllegalArgumentException(where + "shm size " + shmSizeBytes + " is not positive");
        }
        for (String path : maskedPaths) {
            containerPath("masked path", path);
        }
        for (String path : readonlyPaths) {
            containerPath("read-only path", path);
        }
        for (DeviceNode device : devices) {
            containerPath("device path", device.containerPath());
            if (device.containerPath().equals("/") || device.containerPath().startsWith("/proc/")) {
                throw new IllegalArgumentException(where + "device path \"" + device.containerPath()
                        + "\" is not allowed: no device over / or in /proc");
            }
        }
    }

    private void absolute(String what, Path path) {
        Objects.requireNonNull(path, what);
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(where + what + " " + path + " is not an absolute path");
        }
        if (path.toString().indexOf('\0') >= 0) {
            throw new IllegalArgumentException(where + what + " contains a NUL character");
        }
    }

    private void overlaySafe(String what, Path path) {
        absolute(what, path);
        String text = path.toString();
        if (text.contains(",") || text.contains(":") || text.contains("\\")) {
            throw new IllegalArgumentException(where + what + " " + path
                    + " contains ',', ':' or '\\', which overlayfs options cannot carry");
        }
    }

    private void containerPath(String what, String path) {
        Objects.requireNonNull(path, what);
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(where + what + " \"" + path + "\" is not an absolute path");
        }
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException(where + what + " \"" + path + "\" contains . or ..; give it normalised");
            }
        }
    }

    private void id(String what, long id) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException(where + what + " " + id + " is outside 0.." + MAX_ID);
        }
    }

    /**
     * Refuses a tmpfs mounted with {@code dev} where no device policy can be applied ({@code applies} false): a node of
     * the host's disk made there would open.
     */
    static void requireDevicePolicy(RuntimeSpec spec, boolean applies) {
        for (RuntimeSpec.Mount mount : spec.mounts()) {
            if (!applies && !spec.privileged() && mount instanceof RuntimeSpec.Tmpfs tmpfs && !tmpfs.flags().contains("nodev")) {
                throw new IllegalArgumentException("container " + spec.stateDirectory().getFileName() + ": tmpfs "
                        + tmpfs.target() + " with option dev is refused: this host offers no device cgroup (neither a"
                        + " cgroup v2 hierarchy for a device program nor a v1 devices controller), so nothing would stop a"
                        + " node of the host's disk made there from opening; leave out dev");
            }
        }
    }
}
