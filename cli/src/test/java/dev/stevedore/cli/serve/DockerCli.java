package dev.stevedore.cli.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code docker} command (Debian's docker.io client) pointed at one endpoint through {@code DOCKER_HOST},
 * with a configuration directory of its own so nothing from the machine's {@code ~/.docker} (contexts,
 * credentials, proxies) takes part.
 */
final class DockerCli {
    private static final long TIMEOUT_SECONDS = 180;

    private final String dockerHost;
    private final Path configDirectory;

    DockerCli(String dockerHost, Path configDirectory) {
        this.dockerHost = dockerHost;
        this.configDirectory = configDirectory;
    }

    /** Fails loudly when there is no {@code docker} command: these tests prove nothing without it. */
    static String clientVersion() {
        try {
            Process process = new ProcessBuilder("docker", "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("'docker --version' failed: " + out);
            }
            return out.strip();
        } catch (IOException e) {
            throw new IllegalStateException("the docker command is missing: install Debian's docker.io (the client is all"
                    + " these tests use) — it is in the test bed's package list", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running 'docker --version'", e);
        }
    }

    Result run(String... args) {
        return start(null, args).finish();
    }

    /** Runs with {@code stdin} as the command's standard input, closed after it (the end of input for {@code -i}). */
    Result runWithInput(byte[] stdin, String... args) {
        return start(stdin, args).finish();
    }

    /** Starts the command and returns at once; its output is collected as it comes. */
    Running start(String... args) {
        return start(null, args);
    }

    /** Starts the command with its standard input left open: write to {@link Running#input()}, close it to end it. */
    Running startInteractive(String... args) {
        return start(null, true, args);
    }

    private Running start(byte[] stdin, String... args) {
        return start(stdin, false, args);
    }

    private Running start(byte[] stdin, boolean interactive, String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        for (String inherited : List.of("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION")) {
            environment.remove(inherited);
        }
        environment.put("DOCKER_HOST", dockerHost);
        environment.put("DOCKER_CONFIG", configDirectory.toString());
        if (stdin == null && !interactive) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            Files.createDirectories(configDirectory);
            Process process = builder.start();
            Running running = new Running(String.join(" ", command), process);
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                }
            }
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException("starting '" + String.join(" ", command) + "' failed", e);
        }
    }

    /** A docker command that is running; its standard output and error are read as they come. */
    static final class Running {
        private final String command;
        private final Process process;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outReader;
        private final Thread errReader;

        private Running(String command, Process process) {
            this.command = command;
            this.process = process;
            this.outReader = reader(process.getInputStream(), out);
            this.errReader = reader(process.getErrorStream(), err);
        }

        private static Thread reader(InputStream stream, ByteArrayOutputStream sink) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (stream) {
                    for (int n; (n = stream.read(buffer)) >= 0; ) {
                        synchronized (sink) {
                            sink.write(buffer, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended or was killed; what was read so far stays
                }
            }, "docker-output");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** The command's standard input (for {@link #startInteractive}). */
        OutputStream input() {
            return process.getOutputStream();
        }

        /** Waits (bounded) for the command to end and returns everything it printed. */
        Result finish() {
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("'" + command + "' did not finish within " + TIMEOUT_SECONDS
                            + " s; output so far:\n" + out() + err());
                }
                outReader.join(TimeUnit.SECONDS.toMillis(10));
                errReader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for '" + command + "'", e);
            }
            byte[] stdout;
            synchronized (out) {
                stdout = out.toByteArray();
            }
            return new Result(command, process.exitValue(), out(), err(), stdout);
        }

        /** Ends a command that would not end by itself (such as {@code logs -f} when the test is over). */
        void kill() {
            process.destroyForcibly();
        }

        @Override
        public String toString() {
            return "'" + command + "' (running)\n--- stdout\n" + out() + "--- stderr\n" + err();
        }
    }

    /** What one command printed and returned; {@code stdout} is {@code out} as the bytes they were. */
    record Result(String command, int exitCode, String out, String err, byte[] stdout) {
        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "'" + command + "' exited " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
