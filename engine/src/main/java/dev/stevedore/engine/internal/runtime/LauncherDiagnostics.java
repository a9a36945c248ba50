package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerStartException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * What a container's launcher said went wrong, put as a user reads it: its "error" reports turned into messages
 * that name the step, the path and the likely cause, and the tail of its log file added where it explains more.
 */
final class LauncherDiagnostics {
    private final RuntimeSpec spec;

    LauncherDiagnostics(RuntimeSpec spec) {
        this.spec = spec;
    }

    /** The container's id as the engine names it: its state directory's name. */
    String containerId() {
        Path name = spec.stateDirectory().getFileName();
        return name == null ? null : name.toString();
    }

    /** How a process ended, from the exit value the JDK gives (128 + n for signal n). */
    static String describe(int launcherExit) {
        return launcherExit > 128 ? "signal " + (launcherExit - 128) : "exit code " + launcherExit;
    }

    /** The launcher's "error" report: the step that failed, errno, its message and the path involved. */
    ContainerStartException failure(String step, int errno, String message, String path) {
        String reason = message.isEmpty() ? "error " + errno
                : Character.toLowerCase(message.charAt(0)) + message.substring(1);
        String text = switch (step) {
            case "exec" -> "exec of \"" + path + "\" in container failed: " + reason + switch (errno) {
                case 2 -> " (is the entrypoint in the image?)";
                case 13 -> " (is it executable, and by the container's user?)";
                case 8 -> " (a script without a #! line, or a binary for another architecture?)";
                default -> "";
            };
            case "exec-lookup" -> "exec of \"" + path + "\" in container failed: executable file not found in $PATH ("
                    + spec.path() + ")";
            case "read the container spec" -> "the launcher rejected the spec of container " + spec.stateDirectory()
                    + ": " + message;
            default -> "setup of container " + spec.stateDirectory() + " failed: cannot " + step
                    + (path.isEmpty() ? "" : " \"" + path + "\"") + ": " + reason;
        };
        return new ContainerStartException(text, containerId(), List.of(), new LauncherError(step, errno, path));
    }

    /** A failure the launcher did not report itself: {@code what} happened before it said anything. */
    ContainerStartException unreported(String action, String what) {
        return new ContainerStartException("cannot " + action + " container " + spec.stateDirectory() + ": " + what
                + logTail(), containerId(), List.of(), new LauncherError(action, 0, ""));
    }

    /** Setup took longer than {@code timeout}: the launcher was killed. */
    ContainerStartException setupTimedOut(java.time.Duration timeout) {
        return new ContainerStartException("setup of container " + spec.stateDirectory() + " took more than "
                + timeout.toSeconds() + " s and was abandoned (a hung mount of its layers or volumes?)" + logTail(),
                containerId(), List.of(), new LauncherError("set up", 0, ""));
    }

    /** The last lines of the launcher's log, as "; launcher log: ..." to append to a message; empty without one. */
    String logTail() {
        try {
            Path log = spec.stateDirectory().resolve(StateFiles.LAUNCHER_LOG);
            if (!Files.isRegularFile(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return "";
            }
            return "; launcher log: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** Adds a line of the JVM's own to the launcher's log. */
    void log(String line) {
        try {
            Files.writeString(spec.stateDirectory().resolve(StateFiles.LAUNCHER_LOG), "stevedore (jvm): " + line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // nowhere left to say it
        }
    }
}
