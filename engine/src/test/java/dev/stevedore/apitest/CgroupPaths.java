package dev.stevedore.apitest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A process's cgroups as the host sees them (its /proc/PID/cgroup read from outside its cgroup namespace), for tests
 * that check a container's limits where the kernel keeps them.
 */
public final class CgroupPaths {
    private CgroupPaths() {
    }

    /**
     * The directory of {@code pid}'s group holding {@code controller}: its v1 hierarchy's when the controller is
     * mounted as v1, else (and for {@code ""}) its v2 group.
     */
    public static Path group(long pid, String controller) {
        List<String> lines = lines(Path.of("/proc", Long.toString(pid), "cgroup"));
        if (!controller.isEmpty()) {
            for (String line : lines) {
                String[] parts = line.split(":", 3);
                if (List.of(parts[1].split(",")).contains(controller)) {
                    return Path.of("/sys/fs/cgroup", controller, parts[2].substring(1));
                }
            }
        }
        String v2 = lines.stream().filter(l -> l.startsWith("0::")).findFirst()
                .orElseThrow(() -> new AssertionError("process " + pid + " has no v2 group: " + lines)).substring(4);
        return unifiedMount().resolve(v2);
    }

    /** A control file of {@code pid}'s group holding {@code controller}. */
    public static Path file(long pid, String controller, String file) {
        return group(pid, controller).resolve(file);
    }

    /** Whether {@code controller} is mounted as v1 for {@code pid} (a line of its /proc/PID/cgroup names it). */
    public static boolean v1(long pid, String controller) {
        return lines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .anyMatch(line -> List.of(line.split(":", 3)[1].split(",")).contains(controller));
    }

    /** The file holding {@code pid}'s memory limit, v1's or v2's. */
    static Path memoryLimit(long pid) {
        Path group = group(pid, "memory");
        return Files.exists(group.resolve("memory.limit_in_bytes")) ? group.resolve("memory.limit_in_bytes")
                : group.resolve("memory.max");
    }

    private static Path unifiedMount() {
        return lines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(" - cgroup2 "))
                .map(l -> Path.of(l.split(" ")[4])).findFirst()
                .orElseThrow(() -> new AssertionError("this host mounts no cgroup2 hierarchy"));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
