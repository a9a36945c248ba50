package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.testbed.Testbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the packaged command writes where: plain lines without one escape code into a file (a CI log), progress
 * redrawn in place on a terminal, colour only on a terminal and never with {@code NO_COLOR}, and
 * {@code --progress} overriding the guess. The terminal is a real pseudo-terminal: util-linux's {@code script}
 * runs the command on one and copies what it writes into a file.
 */
class TerminalOutputIT {
    private static final String ESC = "\u001b";
    /** An SGR sequence (colour, bold): what NO_COLOR rules out. Cursor movement ends in other letters. */
    private static final String COLOUR = "\u001b\\[[0-9;]*m";

    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void testbed() {
        busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
    }

    @Test
    void pullIntoAFileWritesPlainLinesWithoutAnEscapeCode() throws Exception {
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of("STEVEDORE_ENGINE", "embedded", "TERM", "xterm"),
                "pull", busybox);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains(": Pull complete\n", "Status: Downloaded newer image for " + busybox);
        assertThat(result.out() + result.err()).doesNotContain(ESC);
    }

    @Test
    void pullOnATerminalRedrawsItsProgressBarsInPlace() throws Exception {
        String screen = onTerminal(Map.of(), "pull", busybox);

        assertThat(screen).contains(ESC + "[2K").contains(": Pull complete").containsPattern("\\[=*> *\\]");
    }

    @Test
    void progressPlainWritesPlainLinesEvenOnATerminal() throws Exception {
        String screen = onTerminal(Map.of(), "--progress=plain", "pull", busybox);

        assertThat(screen).contains(": Pull complete").doesNotContain(ESC);
    }

    @Test
    void progressTtyRedrawsEvenIntoAFile() throws Exception {
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of("STEVEDORE_ENGINE", "embedded"),
                "--progress", "tty", "pull", busybox);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains(ESC + "[2K");
    }

    @Test
    void helpOnATerminalIsColouredUnlessNoColorIsSet() throws Exception {
        assertThat(onTerminal(Map.of(), "--help")).containsPattern(COLOUR);

        String plain = onTerminal(Map.of("NO_COLOR", "1"), "--help");
        assertThat(plain).contains("Usage: stevedore").doesNotContain(ESC);
    }

    @Test
    void anUnknownProgressModeIsAUsageErrorNamingTheModes() throws Exception {
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of(), "--progress", "fancy", "pull", busybox);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--progress is \"fancy\"; use auto, plain or tty");
    }

    /**
     * Runs the packaged command on a pseudo-terminal ({@code TERM=xterm}, a state directory of this test's) and
     * returns everything it wrote there.
     */
    private String onTerminal(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path launcher = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath()
                .resolveSibling("stevedore");
        StringBuilder command = new StringBuilder(quote(launcher.toString()));
        for (String arg : args) {
            command.append(' ').append(quote(arg));
        }
        Path typescript = scratch.resolve("typescript-" + System.nanoTime());
        List<String> script = new ArrayList<>(List.of("script", "--quiet", "--return", "--command", command.toString(),
                typescript.toString()));
        ProcessBuilder builder = new ProcessBuilder(script)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(scratch.resolve("script-out").toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.remove("DOCKER_HOST");
        environment.remove("NO_COLOR");
        environment.put("STEVEDORE_ENGINE", "embedded");
        environment.put("STEVEDORE_HOME", home.toString());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("XDG_CACHE_HOME", launcher.resolveSibling("it-cache").toString());
        environment.put("TERM", "xterm");
        environment.putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("stevedore " + String.join(" ", args) + " on a terminal did not finish within 180 s");
        }
        assertThat(process.exitValue()).as("exit code of stevedore %s on a terminal", String.join(" ", args)).isZero();
        return Files.readString(typescript, StandardCharsets.UTF_8);
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
