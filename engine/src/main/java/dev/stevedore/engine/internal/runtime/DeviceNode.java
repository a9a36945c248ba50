package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Device;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A host device node as the launcher makes it visible in a container: the host's node bound at {@code containerPath}
 * (rootful and rootless alike: a bind works in a user namespace, where mknod does not, and keeps the host's mode and
 * owner as Docker's mknod copies them), with its numbers for the device program (devices.c) or the v1 rule.
 *
 * @param hostPath      the node on the host
 * @param containerPath where it appears in the container
 * @param type          {@code 'c'} or {@code 'b'}
 * @param major         the device's major number
 * @param minor         the device's minor number
 * @param permissions   {@code r}, {@code w}, {@code m} as the container may use it
 */
public record DeviceNode(Path hostPath, String containerPath, char type, long major, long minor, String permissions) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    public DeviceNode {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(containerPath, "containerPath");
        Objects.requireNonNull(permissions, "permissions");
        if (type != 'c' && type != 'b') {
            throw new IllegalArgumentException("device type " + type + " is neither c nor b");
        }
    }

    /**
     * The node {@code device} names, looked at now (through symlinks, as dockerd does).
     *
     * @throws ContainerEngineException in dockerd's words when the host path is missing or not a device node
     */
    public static DeviceNode of(Device device) {
        Path host = Path.of(device.pathOnHost());
        Map<String, Object> attributes;
        try {
            attributes = java.nio.file.Files.readAttributes(host, "unix:mode,rdev");
        } catch (NoSuchFileException e) {
            throw gathering(device, "no such file or directory");
        } catch (IOException | UnsupportedOperationException e) {
            throw gathering(device, String.valueOf(e.getMessage()));
        }
        int format = (Integer) attributes.get("mode") & S_IFMT;
        if (format != S_IFCHR && format != S_IFBLK) {
            throw gathering(device, "not a device node");
        }
        long rdev = (Long) attributes.get("rdev");
        return new DeviceNode(host, device.pathInContainer(), format == S_IFCHR ? 'c' : 'b', major(rdev), minor(rdev),
                device.cgroupPermissions());
    }

    /**
     * The numbers {@code MAJ:MIN} of the block device at {@code path} (through symlinks), as cgroups' per-device
     * files take them.
     *
     * @throws IllegalArgumentException naming the path when it is missing or not a block device
     */
    public static String blockNumbers(String path) {
        Map<String, Object> attributes;
        try {
            attributes = java.nio.file.Files.readAttributes(Path.of(path), "unix:mode,rdev");
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("block I/O limit on " + path + ": no such file or directory (a block device"
                    + " of the host such as /dev/vda is needed)");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("block I/O limit on " + path + ": cannot look at it: " + e.getMessage(), e);
        }
        if (((Integer) attributes.get("mode") & S_IFMT) != S_IFBLK) {
            throw new IllegalArgumentException("block I/O limit on " + path + ": " + path + " is not a block device (the"
                    + " host's disks are listed in /sys/block)");
        }
        long rdev = (Long) attributes.get("rdev");
        return major(rdev) + ":" + minor(rdev);
    }

    // glibc's major() and minor() of a 64-bit dev_t
    private static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    private static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }

    private static ContainerEngineException gathering(Device device, String why) {
        // dockerd's message (daemon/oci_linux.go), so a client sees the same words from either
        return new ContainerEngineException("error gathering device information while adding custom device \""
                + device.pathOnHost() + "\": " + why);
    }

    /** The v1 {@code devices.allow} rule: {@code c 1:3 rw}. */
    public String cgroupRule() {
        return type + " " + major + ":" + minor + " " + permissions;
    }

    /** Whether this process may open the host's node for writing (or reading), as a rootless container's root would. */
    public boolean openable(boolean forWriting) {
        return forWriting ? java.nio.file.Files.isWritable(hostPath) : java.nio.file.Files.isReadable(hostPath);
    }
}
