package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run -it}, {@code exec -it} and {@code run -t} through the packaged command on a real pseudo-terminal (python3's
 * pty module plays the user): a shell answers what is typed, {@code stty size} is the terminal's size and follows a
 * resize, Ctrl-C interrupts the foreground program and not the shell, a full-screen program's escape sequences pass
 * through, the detach keys leave the container running, and the user's terminal is back as it was afterwards.
 * Typed commands compute their answer ({@code $((40+2))}) so that the echo of the typing never passes for it.
 */
class TerminalIT {
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String name = "tty-" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void findTestbed() {
        busybox = LocalTestbed.load().get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    private PackagedCli cli() {
        return new PackagedCli(home, scratch);
    }

    private CliRunner.Result stevedore(String... args) throws IOException, InterruptedException {
        return cli().run(Map.of(), args);
    }

    /**
     * A container that ends before its stdin is reached ends the command quietly with its code, as docker's; and in a
     * C locale (su -, cron) the CLI's own words still reach the terminal in UTF-8, as the docker CLI writes them.
     */
    @Test
    void aRunThatEndsAtOnceSaysNothingOfItsStdinAndWordsAreUtf8InACLocale() throws Exception {
        Map<String, String> cLocale = Map.of("LANG", "C", "LC_ALL", "C");
        PtyDriver.Terminal ended = cli().onTerminal(cLocale, 24, 80, List.of("exit"),
                "--engine", "embedded", "run", "-it", "--rm", busybox, "sh", "-c", "exit 4");
        PtyDriver.Terminal refused = cli().onTerminal(cLocale, 24, 80, List.of("exit"),
                "--engine", "embedded", "rmi", "no-such-image:1");

        assertThat(ended.failed()).as(ended.screen()).isNull();
        assertThat(ended.exitCode()).as(ended.screen()).isEqualTo(4);
        assertThat(ended.screen()).doesNotContain("stdin");
        assertThat(refused.exitCode()).as(refused.screen()).isEqualTo(1);
        assertThat(refused.screen()).contains(" \u2014 ").doesNotContain("?");
    }

    @Test
    void runItGivesAnInteractiveShellOnTheUsersTerminal() throws Exception {
        PtyDriver.Terminal terminal = cli().onTerminal(30, 100, PtyDriver.interactiveShell(),
                "--engine", "embedded", "run", "-it", "--rm", "--name", name, busybox, "sh");

        assertThat(terminal.failed()).as(terminal.screen()).isNull();
        assertThat(terminal.exitCode()).as(terminal.screen()).isEqualTo(7);
        assertThat(terminal.restored()).as("the terminal's settings are back after the command").isTrue();
        assertThat(stevedore("--engine", "embedded", "ps", "-a", "-q", "--filter", "name=" + name).out()).isBlank();
    }

    @Test
    void controlCBeforeTheForegroundProgramRunsLeavesTheShell() throws Exception {
        // Ctrl-C is a byte for the container's terminal, not a signal to this command: the shell gets it and goes on
        PtyDriver.Terminal terminal = cli().onTerminal(24, 80, List.of(
                "expect / # ",
                "send \\x03",
                "send echo alive-$((6+6))\\r",
                "expect alive-12",
                "send exit\\r",
                "exit"),
                "--engine", "embedded", "run", "-it", "--rm", busybox, "sh");

        assertThat(terminal.failed()).as(terminal.screen()).isNull();
        assertThat(terminal.exitCode()).isZero();
        assertThat(terminal.restored()).isTrue();
    }

    @Test
    void aFullScreenProgramsEscapeSequencesPassThrough() throws Exception {
        PtyDriver.Terminal terminal = cli().onTerminal(24, 80, List.of("exit"),
                "--engine", "embedded", "run", "-t", "--rm", busybox, "sh", "-c", "clear; printf '\\033[5;10Hmoved\\033[0m'");

        assertThat(terminal.failed()).as(terminal.screen()).isNull();
        assertThat(terminal.exitCode()).isZero();
        assertThat(terminal.screen()).contains("\u001b[H\u001b[J").contains("\u001b[5;10Hmoved\u001b[0m");
    }

    @Test
    void execItRunsOnATerminalOfItsOwnAndTheDetachKeysLeaveTheContainerRunning() throws Exception {
        List<String> embedded = List.of("--engine", "embedded");
        try {
            PtyDriver.Terminal run = cli().onTerminal(24, 80, List.of(
                    "expect / # ",
                    "send echo in-$((7+7))\\r",
                    "expect in-14",
                    "send \\x10\\x11",
                    "exit"),
                    args(embedded, "run", "-it", "--name", name, busybox, "sh"));
            assertThat(run.failed()).as(run.screen()).isNull();
            assertThat(run.exitCode()).as(run.screen()).isZero();
            assertThat(run.restored()).isTrue();
            assertThat(stevedore(args(embedded, "ps", "-q", "--filter", "name=" + name)).out()).isNotBlank();

            PtyDriver.Terminal exec = cli().onTerminal(33, 77, List.of(
                    "expect # ",
                    "send stty size; tty; echo exec-$((8+8))\\r",
                    "expect 33 77\\r\\n/dev/pts/\\d+\\r\\nexec-16",
                    "send exit 4\\r",
                    "exit"),
                    args(embedded, "exec", "-it", name, "sh"));
            assertThat(exec.failed()).as(exec.screen()).isNull();
            assertThat(exec.exitCode()).isEqualTo(4);
            assertThat(exec.restored()).isTrue();
        } finally {
            stevedore(args(embedded, "rm", "-f", name));
        }
    }

    private static String[] args(List<String> engine, String... args) {
        List<String> all = new ArrayList<>(engine);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }
}
