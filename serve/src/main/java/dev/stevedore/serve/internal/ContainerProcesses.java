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
 * {@link #top} lists them as {@code ps -ef} does, for {@code docker top}.
 */
final class ContainerProcesses {
    private static final Path PROC = Path.of("/proc");
    /** The kernel's USER_HZ, 100 on every architecture Linux containers run on. */
    private static final int TICKS_PER_SECOND = 100;
    static final List<String> TITLES = List.of("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");

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

    /** One row per process, with {@link #TITLES}' columns, by pid. Empty when the namespace cannot be read. */
    static List<List<String>> top(long containerPid) {
        List<List<String>> rows = new java.util.ArrayList<>();
        if (containerPid <= 0) {
            return rows;
        }
        try {
            Path namespace = Files.readSymbolicLink(PROC.resolve(Long.toString(containerPid)).resolve("ns/pid"));
            long boot = bootTime();
            java.util.Map<Long, String> users = users();
            List<Long> pids = new java.util.ArrayList<>();
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
                for (Path process : processes) {
                    if (sameNamespace(process, namespace)) {
                        pids.add(Long.parseLong(process.getFileName().toString()));
                    }
                }
            }
            java.util.Collections.sort(pids);
            for (long pid : pids) {
                List<String> row = row(pid, boot, users);
                if (row != null) {
                    rows.add(row);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the container ended meanwhile, or /proc is not ours to read
        }
        return rows;
    }

    private static List<String> row(long pid, long boot, java.util.Map<Long, String> users) {
        Path dir = PROC.resolve(Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ppid = Long.parseLong(f[1]);
            long cpuSeconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
            long started = boot + Long.parseLong(f[19]) / TICKS_PER_SECOND;
            long uid = -1;
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
                }
            }
            String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
            java.time.LocalTime start = java.time.LocalTime.ofInstant(java.time.Instant.ofEpochSecond(started), java.time.ZoneId.systemDefault());
            return List.of(users.getOrDefault(uid, Long.toString(uid)), Long.toString(pid), Long.toString(ppid), "0",
                    String.format(java.util.Locale.ROOT, "%02d:%02d", start.getHour(), start.getMinute()), "?",
                    String.format(java.util.Locale.ROOT, "%02d:%02d:%02d", cpuSeconds / 3600, cpuSeconds / 60 % 60, cpuSeconds % 60),
                    cmdline.isEmpty() ? "[" + comm + "]" : cmdline);
        } catch (IOException | RuntimeException e) {
            return null; // ended while being read
        }
    }

    private static long bootTime() throws IOException {
        for (String line : Files.readAllLines(PROC.resolve("stat"))) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        return 0;
    }

    /** Host user names by uid, as {@code ps} on the host shows them. */
    private static java.util.Map<Long, String> users() {
        java.util.Map<Long, String> users = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":");
                if (fields.length > 2) {
                    users.putIfAbsent(Long.parseLong(fields[2]), fields[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // numbers will do
        }
        return users;
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
