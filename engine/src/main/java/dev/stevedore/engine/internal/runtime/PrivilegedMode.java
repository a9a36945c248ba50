package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code --privileged} turns off, as dockerd (moby {@code daemon/oci_linux.go}) and runc do: the container gets
 * every capability in its bounding, effective and permitted sets (inheritable and ambient stay empty, as dockerd has
 * left them since CVE-2022-24769), no seccomp filter, no masked or read-only paths, {@code /sys} read-write, every
 * device node of the host and no device rules, and no {@code no_new_privs} unless the security options ask for it.
 * Each of these is a default that protects the host from the container; privileged is the caller's explicit choice
 * to give them up, so nothing here is applied to any other container.
 */
public final class PrivilegedMode {
    /** Directories of the host's /dev a container gets its own of, or that hold no nodes of the host's devices (runc's list). */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

    /**
     * Nodes the launcher makes in every container's /dev itself (container.c's setup_dev), and the console, which is
     * the container's terminal in Docker and never the host's.
     */
    private static final Set<String> OWN_NODES = Set.of("null", "zero", "full", "random", "urandom", "tty", "ptmx", "console");

    private PrivilegedMode() {
    }

    /** {@code builder} with everything privileged turns off, turned off; {@code securityOpts}: the container's. */
    public static RuntimeSpec.Builder apply(RuntimeSpec.Builder builder, List<String> securityOpts) {
        return builder.privileged(true)
                .capabilities(EnumSet.allOf(Capability.class))
                .seccomp(null)
                .maskedPaths(List.of())
                .readonlyPaths(List.of())
                .noNewPrivileges(noNewPrivileges(securityOpts));
    }

    /** Whether the security options ask for {@code no_new_privs} (as runc: off unless asked for). */
    public static boolean noNewPrivileges(List<String> securityOpts) {
        return securityOpts.stream().anyMatch(o -> o.equals("no-new-privileges") || o.equals("no-new-privileges:true")
                || o.equals("no-new-privileges=true"));
    }

    /**
     * The host's device nodes under {@code /dev} at the same paths, as dockerd gives a privileged container, with the
     * container's own {@code --device}s (which win at the same path). {@code rootless}: only the nodes this user may
     * open for reading or writing, as podman does rootless — a node it cannot open would be there and useless.
     */
    public static List<DeviceNode> devices(Path dev, List<DeviceNode> requested, boolean rootless) {
        Set<String> taken = requested.stream().map(DeviceNode::containerPath).collect(Collectors.toSet());
        List<DeviceNode> nodes = new ArrayList<>();
        for (Path node : hostNodes(dev)) {
            String inContainer = "/dev/" + dev.relativize(node).toString().replace('\\', '/');
            if (taken.contains(inContainer)) {
                continue;
            }
            DeviceNode device;
            try {
                device = DeviceNode.of(new Device(node.toString(), inContainer, "rwm"));
            } catch (ContainerEngineException e) {
                continue; // gone or changed since the walk saw it
            }
            if (!rootless || device.openable(false) || device.openable(true)) {
                nodes.add(device);
            }
        }
        nodes.addAll(requested);
        return List.copyOf(nodes);
    }

    private static List<Path> hostNodes(Path dev) {
        List<Path> nodes = new ArrayList<>();
        try {
            Files.walkFileTree(dev, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return !dir.equals(dev) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    // symbolic links are not followed (runc's lstat): a link to a node names a node listed anyway
                    if (attributes.isOther() && !(file.getParent().equals(dev)
                            && OWN_NODES.contains(file.getFileName().toString()))) {
                        nodes.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a directory this user may not read, or a node that went
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the host's device nodes in " + dev + " for a privileged container", e);
        }
        nodes.sort(null);
        return nodes;
    }
}
