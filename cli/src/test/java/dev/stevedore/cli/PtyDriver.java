package dev.stevedore.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run as a user at a terminal runs it: on a new pseudo-terminal made by python3's pty module
 * ({@code pty-driver.py}), typed into and read by a script of steps, bounded in time.
 */
public final class PtyDriver {
    private static final long TIMEOUT_SECONDS = 240;

    private PtyDriver() {
    }

    /**
     * What the terminal showed.
     *
     * @param exitCode the command's exit code
     * @param screen   everything it wrote to the terminal
     * @param restored whether the terminal's settings after the command were those before it
     * @param failed   the step that did not come true in time, or {@code null}
     */
    public record Terminal(int exitCode, String screen, boolean restored, String failed) {
    }

    /**
     * An interactive shell session for a terminal of 30 x 100 whose shell's prompt ends in "# ": answers typed
     * commands, {@code stty size} is 30 100 and then 40 120 after a resize (asked until the new size shows: it travels
     * through SIGWINCH and the engine), Ctrl-C interrupts a foreground sleep (which says it runs first: a Ctrl-C
     * before would only reach the shell) and the shell reads again; {@code exit 7} ends it. Typed commands compute
     * their answer, so the terminal's echo of the typing never passes for it.
     */
    public static List<String> interactiveShell() {
        return List.of(
                "expect # ",
                "send echo hi-$((40+2))\\r",
                "expect hi-42\\r\\n",
                "send stty size; echo size-$((1+1))\\r",
                "expect 30 100\\r\\nsize-2",
                "resize 40 120",
                "repeat 40 120\\r\\nsize-4 ;; stty size; echo size-$((2+2))\\r",
                "send sh -c 'echo fg-$((2+3)); exec sleep 1000'\\r",
                "expect fg-5",
                "send \\x03",
                "expect \\^C",
                "send echo alive-$((5+5))\\r",
                "expect alive-10",
                "send exit 7\\r",
                "exit");
    }

    /**
     * Runs {@code command} on a terminal of {@code rows} x {@code columns} with {@code env} (applied to this JVM's
     * environment: a null value removes the variable), playing {@code steps} (pty-driver.py says how).
     */
    public static Terminal run(Path scratch, Map<String, String> env, int rows, int columns, List<String> steps,
                               List<String> command) throws IOException, InterruptedException {
        Path script = Files.createTempFile(scratch, "steps", ".txt");
        Files.write(script, steps);
        Path driver = scratch.resolve("pty-driver.py");
        try (var in = PtyDriver.class.getResourceAsStream("/pty-driver.py")) {
            Files.copy(in, driver, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> all = new ArrayList<>(List.of("python3", driver.toString(), script.toString(),
                Integer.toString(rows), Integer.toString(columns), "--"));
        all.addAll(command);
        Path out = Files.createTempFile(scratch, "report", ".json");
        ProcessBuilder builder = new ProcessBuilder(all).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("TERM", "xterm");
        env.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the pty driver for " + String.join(" ", command) + " did not finish within "
                    + TIMEOUT_SECONDS + " s");
        }
        var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile());
        return new Terminal(report.path("exit").asInt(-1), report.path("output").asText(), report.path("restored").asBoolean(),
                report.path("failed").isNull() ? null : report.path("failed").asText());
    }
}
