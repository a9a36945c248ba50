package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs the command line in this JVM against an engine the test supplies, capturing output and exit code. */
final class CliRunner {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final ContainerEngine engine;
    final List<EngineSettings> opened = new ArrayList<>();
    /** The selection variables each open was given ({@code --engine}, {@code --host}). */
    final List<Map<String, String>> overrides = new ArrayList<>();
    /** What commands registered to happen on Ctrl-C, still registered; {@link #interrupt()} runs them. */
    final List<Runnable> shutdownHooks = new CopyOnWriteArrayList<>();
    /** The environment {@code -e KEY} reads. */
    final Map<String, String> environment = new HashMap<>();
    private Terminal terminal = Terminal.plain();
    private byte[] stdin = new byte[0];

    CliRunner(ContainerEngine engine) {
        this.engine = engine;
    }

    CliRunner terminal(Terminal newTerminal) {
        this.terminal = newTerminal;
        return this;
    }

    CliRunner stdin(byte[] bytes) {
        this.stdin = bytes.clone();
        return this;
    }

    Result run(String... args) {
        return start(args).result();
    }

    /** Runs the command line in another thread, so the test can watch its output and interrupt it. */
    Running start(String... args) {
        Captured out = new Captured();
        Captured err = new Captured();
        EngineFactory factory = (settings, selection) -> {
            opened.add(settings);
            overrides.add(selection);
            return engine;
        };
        CommandLine commandLine = Main.commandLine(factory, terminal, Clock.fixed(NOW, ZoneOffset.UTC));
        InputStream in = new ByteArrayInputStream(stdin);
        ((StevedoreCommand) commandLine.getCommand()).stdin(in).output(out, err).environment(environment::get).shutdownHooks((name, action) -> {
            shutdownHooks.add(action);
            return () -> shutdownHooks.remove(action);
        });
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return new Running(CompletableFuture.supplyAsync(() -> commandLine.execute(args)), out, err);
    }

    /** As Ctrl-C would: runs the registered shutdown hooks, in this thread. */
    void interrupt() {
        shutdownHooks.forEach(Runnable::run);
    }

    /** A command line running in another thread. */
    record Running(CompletableFuture<Integer> exitCode, Captured out, Captured err) {
        Result result() {
            try {
                // a bound for a hang, not a speed: at load 15 a command on a real engine takes many seconds
                return new Result(exitCode.get(120, TimeUnit.SECONDS), out.toString(), err.toString());
            } catch (Exception e) {
                throw new AssertionError("the command did not finish within 120 s; output so far:\n" + out + err, e);
            }
        }
    }

    /**
     * A stream's bytes as the command wrote them, both through its text writer and as a container's bytes; read as
     * UTF-8 text.
     */
    static final class Captured extends ByteArrayOutputStream {
        @Override
        public synchronized String toString() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err, byte[] stdout) {
        Result(int exitCode, String out, String err) {
            this(exitCode, out, err, out.getBytes(StandardCharsets.UTF_8));
        }

        /** The result of a child process that wrote {@code stdout} and {@code stderr}, its stdout kept as bytes too. */
        static Result of(int exitCode, java.nio.file.Path stdout, java.nio.file.Path stderr) throws java.io.IOException {
            byte[] out = java.nio.file.Files.readAllBytes(stdout);
            return new Result(exitCode, new String(out, StandardCharsets.UTF_8),
                    new String(java.nio.file.Files.readAllBytes(stderr), StandardCharsets.UTF_8), out);
        }

        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
