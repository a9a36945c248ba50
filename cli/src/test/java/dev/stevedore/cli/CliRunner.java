package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the command line in this JVM against an engine the test supplies, capturing output and exit code. */
final class CliRunner {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final ContainerEngine engine;
    final List<EngineSettings> opened = new ArrayList<>();
    private Terminal terminal = Terminal.plain();

    CliRunner(ContainerEngine engine) {
        this.engine = engine;
    }

    CliRunner terminal(Terminal newTerminal) {
        this.terminal = newTerminal;
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        EngineFactory factory = settings -> {
            opened.add(settings);
            return engine;
        };
        CommandLine commandLine = Main.commandLine(factory, terminal, Clock.fixed(NOW, ZoneOffset.UTC));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
