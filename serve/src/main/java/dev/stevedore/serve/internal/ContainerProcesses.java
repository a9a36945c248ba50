package dev.stevedore.serve.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A running container's processes as the host's {@code /proc} shows them (the engine runs them on this host;
 * its interface does not list them): every process in the pid namespace of the container's first process.
 *
 * <p>{@link #execPid} finds the host pid of a running exec, which Docker reports in the exec's inspect
 * ({@code Pid}): the topmost process whose environment holds every entry the exec added. Clients use it to kill
 * an exec's processes from the host (Stevedore's Docker backend does, when an exec times out); an exec that adds
 * no environment cannot be told apart and reports 0, as does everything where {@code /proc} cannot be read.
 * ({@code docker top} is the engine's own: {@code ContainerEngine.top}.)
 */
final class ContainerProcesses {
    private static final Path PROC = Path.of("/proc");

    private ContainerProcesses() {
    }

    static long execPid(long containerPid, List<String> env) {
        if (containerPid <= 0 || env.isEmpty()) {
            return 0;
        }
        try {
            Path namespace = Files.readSymbolicLink(PROC.resolve(Long.toString(containerPid)).resolve("ns/pid"));
            Set<Long> matching = new HashSet<>();
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
                for (Path process : processes) {
                    if (sameNamespace(process, namespace) && holds(process, env)) {
                        matching.add(Long.parseLong(process.getFileName().toString()));
                    }
                }
            }
            return matching.stream().filter(pid -> !matching.contains(parent(pid))).min(Long::compare).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean sameNamespace(Path process, Path namespace) {
        try {
            return Files.readSymbolicLink(process.resolve("ns/pid")).equals(namespace);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean holds(Path process, List<String> env) {
        try {
            Set<String> entries = new HashSet<>(Arrays.asList(
                    new String(Files.readAllBytes(process.resolve("environ")), StandardCharsets.UTF_8).split("\0")));
            return entries.containsAll(env);
        } catch (IOException e) {
            return false;
        }
    }

    private static long parent(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
