package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.internal.store.RandomIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The small {@code key value} files in a container's state directory, shared with the launcher
 * ({@code owner}, {@code supervisor}, {@code exit}). Written atomically, so readers in other JVMs never
 * see half a file.
 */
final class StateFiles {
    static final String OWNER = "owner";
    static final String SUPERVISOR = "supervisor";
    static final String EXIT = "exit";
    static final String LAUNCHER_LOG = "launcher.log";
    /** The container's cgroup directories, one per line, so they can be removed after a crash. */
    static final String CGROUPS = "cgroups";

    private StateFiles() {
    }

    static void write(Path file, Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder();
        values.forEach((key, value) -> text.append(key).append(' ').append(value).append('\n'));
        Path temp = file.resolveSibling("." + file.getFileName() + "." + RandomIds.uniqueName() + ".tmp");
        boolean moved = false;
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** The file's entries, or empty when it does not exist (yet). */
    static Optional<Map<String, String>> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                values.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return Optional.of(values);
    }

    static void writeOwner(Path stateDirectory, ProcessIdentity owner) throws IOException {
        write(stateDirectory.resolve(OWNER), Map.of("pid", Long.toString(owner.pid()), "start", Long.toString(owner.startTime())));
    }

    static void writeCgroups(Path stateDirectory, List<Path> cgroups) throws IOException {
        Path file = stateDirectory.resolve(CGROUPS);
        Path temp = file.resolveSibling("." + CGROUPS + "." + RandomIds.uniqueName() + ".tmp");
        try {
            Files.write(temp, cgroups.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static List<Path> readCgroups(Path stateDirectory) throws IOException {
        try {
            return Files.readAllLines(stateDirectory.resolve(CGROUPS), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("/sys/fs/cgroup/")).map(Path::of).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** The process recorded under {@code pid} and {@code start} in a state file. */
    static Optional<ProcessIdentity> identity(Path file) throws IOException {
        return read(file).flatMap(values -> {
            try {
                return Optional.of(new ProcessIdentity(Long.parseLong(values.get("pid")), Long.parseLong(values.get("start"))));
            } catch (NumberFormatException | NullPointerException e) {
                return Optional.empty();
            }
        });
    }
}
