package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerTop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A rootless container's {@code top} with the owners the container has: the host's {@code ps} sees the user for the
 * container's root and subordinate ids for its other users, where rootless dockerd, whose {@code ps} runs inside its
 * user namespace, shows the container's ids (by the names the host's {@code /etc/passwd} and {@code /etc/group} give
 * them). Each row's ids are read from its process ({@code /proc/PID/status}: ps may have cut a name short or printed
 * a subordinate id as a number) and turned back through the namespace's {@link IdMapping}; a host id the namespace
 * does not map reads 65534, as the kernel shows it inside. A column that showed a number stays a number; a row whose
 * process is gone is left as ps printed it.
 */
final class ProcessOwners {
    /** The user and group columns of procps's ps: which of the real, effective, saved and file-system ids each shows. */
    private static final Map<String, Column> COLUMNS = Map.ofEntries(
            Map.entry("UID", new Column(true, 1, false)), Map.entry("EUID", new Column(true, 1, false)),
            Map.entry("USER", new Column(true, 1, true)), Map.entry("EUSER", new Column(true, 1, true)),
            Map.entry("RUID", new Column(true, 0, false)), Map.entry("RUSER", new Column(true, 0, true)),
            Map.entry("SUID", new Column(true, 2, false)), Map.entry("SUSER", new Column(true, 2, true)),
            Map.entry("FUID", new Column(true, 3, false)), Map.entry("FUSER", new Column(true, 3, true)),
            Map.entry("GID", new Column(false, 1, false)), Map.entry("EGID", new Column(false, 1, false)),
            Map.entry("GROUP", new Column(false, 1, true)), Map.entry("EGROUP", new Column(false, 1, true)),
            Map.entry("RGID", new Column(false, 0, false)), Map.entry("RGROUP", new Column(false, 0, true)),
            Map.entry("SGID", new Column(false, 2, false)), Map.entry("SGROUP", new Column(false, 2, true)),
            Map.entry("FGID", new Column(false, 3, false)), Map.entry("FGROUP", new Column(false, 3, true)));
    private static final long OVERFLOW_ID = 65534;

    private final IdMapping mapping;
    private final Map<Long, String> userNames;
    private final Map<Long, String> groupNames;
    private final LongFunction<String> status;

    /**
     * @param status a host pid's {@code /proc/PID/status} text, {@code null} when the process is gone
     */
    ProcessOwners(IdMapping mapping, String passwd, String group, LongFunction<String> status) {
        this.mapping = mapping;
        this.userNames = names(passwd);
        this.groupNames = names(group);
        this.status = status;
    }

    /** The host's account files and processes, for {@code mapping}. */
    static ProcessOwners of(IdMapping mapping) {
        return new ProcessOwners(mapping, readOrEmpty(Path.of("/etc/passwd")), readOrEmpty(Path.of("/etc/group")),
                pid -> readOrNull(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** {@code top} with its user and group columns as the container sees them; {@code top} has a PID column. */
    ContainerTop map(ContainerTop top) {
        int pidColumn = top.titles().indexOf("PID");
        List<List<String>> rows = new ArrayList<>();
        for (List<String> row : top.processes()) {
            String text = status.apply(Long.parseLong(row.get(pidColumn)));
            List<String> mapped = new ArrayList<>(row);
            for (int i = 0; text != null && i < Math.min(row.size(), top.titles().size()); i++) {
                Column column = COLUMNS.get(top.titles().get(i));
                long[] ids = column == null ? null : ids(text, column.user ? "Uid:" : "Gid:");
                if (ids != null) {
                    long inside = column.user ? mapping.containerUid(ids[column.which]) : mapping.containerGid(ids[column.which]);
                    long id = inside < 0 ? OVERFLOW_ID : inside;
                    boolean numeric = row.get(i).chars().allMatch(Character::isDigit);
                    Map<Long, String> names = column.user ? userNames : groupNames;
                    // a number for a subordinate id, which has no name: the container's id may have one (-o user)
                    mapped.set(i, numeric && !column.named ? Long.toString(id) : names.getOrDefault(id, Long.toString(id)));
                }
            }
            rows.add(mapped);
        }
        return new ContainerTop(top.titles(), rows);
    }

    /** The four ids of a status line ({@code Uid:\treal\teffective\tsaved\tfs}), or null. */
    private static long[] ids(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] fields = line.substring(key.length()).strip().split("\\s+");
                if (fields.length == 4) {
                    long[] ids = new long[4];
                    for (int i = 0; i < 4; i++) {
                        ids[i] = Long.parseLong(fields[i]);
                    }
                    return ids;
                }
            }
        }
        return null;
    }

    /** An account file's names by id ({@code name:x:id:...}), the first line of each id winning, as getpwuid reads. */
    private static Map<Long, String> names(String file) {
        Map<Long, String> byId = new HashMap<>();
        for (String line : file.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && !fields[0].isEmpty() && fields[2].matches("\\d{1,10}")) {
                byId.putIfAbsent(Long.parseLong(fields[2]), fields[0]);
            }
        }
        return byId;
    }

    private static String readOrEmpty(Path file) {
        String text = readOrNull(file);
        return text == null ? "" : text;
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether a column shows a uid or gid, which of the four ({@code which}: real 0, effective 1, saved 2, fs 3). */
    private record Column(boolean user, int which, boolean named) {
    }
}
