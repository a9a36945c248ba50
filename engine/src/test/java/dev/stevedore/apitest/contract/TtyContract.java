package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Tty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Terminals, as {@code docker run -it} and {@code docker exec -it} have them: a container created with a tty runs an
 * interactive shell on a pseudo-terminal made inside it (typed input is echoed, answers come back, the window size is
 * what a resize set, {@code ^C} interrupts the foreground program and not the shell), its log is the terminal's raw
 * stream (carriage returns and escape sequences as written); an exec with a tty gets a terminal of its own.
 *
 * <p>Typed commands compute their answer ({@code $((20+22))}), so the echo of the typing never passes for the answer.
 * Runs on both engines ({@code EmbeddedTtyContractIT}, {@code DockerTtyContractIT}).
 */
public abstract class TtyContract extends EngineContract {

    /** Everything the terminal showed so far, as one string. */
    private String screen(String container) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (LogLine line : logLines(container, LogOptions.all())) {
            all.writeBytes(line.bytes());
        }
        return all.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A terminal's chunk as it showed it (ASCII here, so no character is split between chunks). */
    private static String shown(LogLine chunk) {
        return new String(chunk.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private ContainerInfo shell() {
        return started(busybox("exec sh -i").openStdin(true).tty(true));
    }

    private static void type(OutputStream terminal, String keys) throws IOException {
        terminal.write(keys.getBytes(StandardCharsets.UTF_8));
        terminal.flush();
    }

    /**
     * A foreground program that only a signal ends. Busybox's shell runs its own {@code sleep} without a process, so
     * a child shell is the program: it says it runs by writing /tmp/fg, then becomes the sleep.
     */
    private static final String FOREGROUND_SLEEP = "rm -f /tmp/fg; sh -c 'echo $$ > /tmp/fg; exec sleep 1000'\n";

    /** Waits until the foreground program of {@link #FOREGROUND_SLEEP} runs: a ^C before would only reach the shell. */
    private void awaitForeground(String container) {
        await().atMost(PATIENCE).until(() -> foregroundRuns(container));
    }

    private boolean foregroundRuns(String container) {
        return engine.exec(container, ExecSpec.of("sh", "-c", "test -s /tmp/fg && kill -0 $(cat /tmp/fg)")).exitCode() == 0;
    }

    @Test
    void aShellOnTheTerminalAnswersWhatIsTyped() throws IOException {
        ContainerInfo sh = shell();

        try (OutputStream terminal = engine.attachStdin(sh.id())) {
            type(terminal, "echo answer-$((20+22)); tty\n");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(screen(sh.id()))
                    .contains("echo answer-$((20+22))") // the line discipline echoes the typing
                    .contains("answer-42\r\n")           // and turns the newline into CR LF on the way out
                    .containsPattern("/dev/pts/\\d+"));
            type(terminal, "exit 3\n");
        }
        assertThat(exited(sh.id()).exitCode()).isEqualTo(3);
    }

    @Test
    void theWindowSizeIsWhatTheResizeSet() throws IOException {
        ContainerInfo sh = shell();

        try (OutputStream terminal = engine.attachStdin(sh.id())) {
            engine.resizeContainer(sh.id(), 33, 101);
            type(terminal, "stty size; echo size-$((1+1))\n");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(screen(sh.id())).contains("33 101\r\nsize-2"));
            engine.resizeContainer(sh.id(), 40, 120);
            type(terminal, "stty size; echo size-$((2+2))\n");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(screen(sh.id())).contains("40 120\r\nsize-4"));
        }
        engine.removeContainer(sh.id(), true);
    }

    @Test
    void controlCInterruptsTheForegroundProgramNotTheShell() throws IOException {
        ContainerInfo sh = shell();

        try (OutputStream terminal = engine.attachStdin(sh.id())) {
            type(terminal, FOREGROUND_SLEEP);
            awaitForeground(sh.id());
            type(terminal, "\u0003");
            // the line discipline shows the key and sends SIGINT to the foreground group: the sleep ends, the shell goes on
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(screen(sh.id())).contains("^C"));
            await().atMost(PATIENCE).until(() -> !foregroundRuns(sh.id()));
            type(terminal, "echo alive-$((5+6))\n");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(screen(sh.id())).contains("alive-11"));
        }
        assertThat(engine.inspectContainer(sh.id()).state().running()).as("the shell survives ^C").isTrue();
        engine.removeContainer(sh.id(), true);
    }

    /**
     * As dockerd: a process on a terminal gets {@code TERM=xterm} after PATH and HOSTNAME (the container's own TERM
     * would replace it), a container's exec only when the exec has a terminal itself, whatever the container has.
     */
    @Test
    void aProcessOnATerminalGetsTermXtermAfterPathAndHostname() {
        ContainerInfo onTerminal = started(busybox("sleep 3600").tty(true));
        ContainerInfo plain = started(busybox("env; exec sleep 3600"));
        try {
            // env itself as the command: a shell would put its own variables first
            ContainerInfo printed = started(busybox("").cmd("env").tty(true));
            exited(printed.id());
            assertThat(screen(printed.id()).split("\r\n")).as("the first process on a terminal")
                    .startsWith("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                            "HOSTNAME=" + printed.id().substring(0, 12), "TERM=xterm");
            engine.removeContainer(printed.id(), true);
            await().atMost(PATIENCE).until(() -> !logTexts(plain.id()).isEmpty());
            assertThat(logTexts(plain.id())).as("without a terminal").noneMatch(line -> line.startsWith("TERM="));

            assertThat(engine.exec(onTerminal.id(), ExecSpec.of("env")).stdout()).as("an exec without one")
                    .doesNotContain("TERM=");
            List<String> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
            engine.exec(plain.id(), ExecSpec.of("env").withTty(Tty.standard()).withOutput(chunk -> shown.add(shown(chunk))));
            assertThat(String.join("", shown)).as("an exec with a terminal").contains("TERM=xterm\r\n");
        } finally {
            engine.removeContainer(onTerminal.id(), true);
            engine.removeContainer(plain.id(), true);
        }
    }

    @Test
    void aFullScreenProgramsEscapeSequencesPassThrough() {
        ContainerInfo screen = started(busybox("clear; printf '\\033[5;10Hmoved\\033[0m'; sleep 1").tty(true));

        exited(screen.id());
        assertThat(screen(screen.id())).contains("\u001b[H\u001b[J").contains("\u001b[5;10Hmoved\u001b[0m");
    }

    @Test
    void anExecOnATerminalHasItsSizeAndFollowsAResize() throws Exception {
        ContainerInfo target = started(busybox("sleep 3600"));

        // dockerd (API 1.41) sizes an exec's terminal just after it starts, as the docker CLI does: asked until it has one
        ExecResult sized = engine.exec(target.id(), ExecSpec.of("sh", "-c", "i=0; while [ $i -lt 100 ]; do"
                + " s=$(stty size 2>/dev/null) && [ -n \"$s\" ] && [ \"$s\" != '0 0' ] && break; sleep 0.1; i=$((i+1)); done;"
                + " echo $s; tty")
                .withTty(Tty.of(20, 60)));
        assertThat(sized.exitCode()).isZero();
        assertThat(sized.stdout()).startsWith("20 60\r\n").containsPattern("/dev/pts/\\d+\r\n");

        Tty tty = Tty.of(20, 60);
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(keys);
        List<String> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<ExecResult> shell = CompletableFuture.supplyAsync(() -> engine.exec(target.id(),
                ExecSpec.of("sh", "-i").withStdin(stdin).withTty(tty).withOutput(chunk -> shown.add(shown(chunk)))));
        type(keys, "echo ready-$((9+9))\n");
        // resized once the shell runs: its answer came back
        await().atMost(PATIENCE).until(() -> shell.isDone() || String.join("", shown).contains("ready-18"));
        tty.resize(30, 90);
        type(keys, "stty size; exit 5\n");
        ExecResult result = shell.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.stdout()).contains("ready-18").contains("30 90\r\n");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void anInteractiveExecOnATerminalGetsControlC() throws Exception {
        ContainerInfo target = started(busybox("sleep 3600"));
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(keys);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<ExecResult> shell = CompletableFuture.supplyAsync(() -> engine.exec(target.id(),
                ExecSpec.of("sh", "-i").withStdin(stdin).withTty(Tty.standard()).withOutput(chunk -> seen.add(shown(chunk)))));

        type(keys, FOREGROUND_SLEEP);
        awaitForeground(target.id());
        type(keys, "\u0003");
        await().atMost(PATIENCE).until(() -> !foregroundRuns(target.id()));
        type(keys, "echo alive-$((4+4)); exit\n");
        ExecResult result = shell.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.stdout()).contains("alive-8").isEqualTo(String.join("", seen));
        assertThat(engine.inspectContainer(target.id()).state().running()).isTrue();
    }
}
