package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.internal.runtime.LineAssembler;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a command in a running container: {@code POST /containers/{id}/exec}, then {@code POST /exec/{id}/start}
 * — a plain request whose body is the multiplexed output, or, when there is stdin to feed, a hijacked
 * connection ({@link HijackedStream}) — then the exit code from {@code GET /exec/{id}/json}.
 *
 * <h2>Timeouts</h2>
 * The Docker Engine API cannot kill an exec: there is no endpoint for it, and stopping the stream only
 * detaches. So an exec with a timeout carries a marker in its environment,
 * {@value #MARKER}{@code =<random uuid>}, which every process it starts inherits. When the time is up,
 * a second exec in the container, as root, sends SIGKILL to every process whose {@code /proc/PID/environ}
 * holds the marker (NUL-separated, so turned into lines first: grep stops at a NUL): the command and whatever it
 * started. That needs {@code sh}, {@code tr} and {@code grep} in the image.
 * Where the image lacks them and the daemon runs on this host, the processes are found the same way in
 * the host's {@code /proc}, starting at the pid the daemon reports for the exec. If both fail, the
 * result still says timed out and the process is left running; a warning says so.
 */
final class DockerExec {
    /** The environment variable that marks an exec's processes so a timeout can find and kill them. */
    static final String MARKER = "STEVEDORE_EXEC_ID";
    /** How long the output may go on after the kill before the connection is cut. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);
    /** How long the daemon may take to record the exit code after the output ended. */
    private static final Duration EXIT_CODE_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(DockerExec.class);
    private static final String KILL_SCRIPT = "found=1; for d in /proc/[0-9]*; do "
            + "if tr '\\0' '\\n' < \"$d/environ\" 2>/dev/null | grep -q -x -F -- \"$1\"; then kill -9 \"${d#/proc/}\" 2>/dev/null && found=0; fi; "
            + "done; exit $found";

    /** The kill script, for its test. */
    static String killScript() {
        return KILL_SCRIPT;
    }

    private final DockerApi api;
    private final ScheduledExecutorService timer;

    DockerExec(DockerApi api, ScheduledExecutorService timer) {
        this.api = api;
        this.timer = timer;
    }

    ExecResult run(String container, ExecSpec spec) {
        String marker = spec.timeout() != null ? MARKER + "=" + UUID.randomUUID() : null;
        String execId = create(container, spec, marker);
        Output output = new Output(spec.output(), spec.tty() != null);
        Runnable unwatch = spec.tty() == null ? null : spec.tty().watch((rows, columns) -> resize(execId, rows, columns));
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean aborted = new AtomicBoolean();
        Closeable[] source = new Closeable[1];
        ScheduledFuture<?> deadline = null;
        Thread stdinWriter = null;
        try {
            InputStream stream;
            if (spec.hasStdin()) {
                HijackedStream hijacked = HijackedStream.post(api, "/exec/" + execId + "/start", startBody(spec.tty() != null));
                source[0] = hijacked;
                stream = hijacked.input();
                stdinWriter = feed(hijacked, spec.stdinStream() != null ? spec.stdinStream()
                        : new java.io.ByteArrayInputStream(spec.stdin()), container);
            } else {
                Response response = api.call("POST", "/exec/" + execId + "/start").jsonBody(startNode(spec.tty() != null))
                        .readTimeout(Duration.ZERO).open();
                source[0] = response;
                stream = response.body().byteStream();
            }
            if (spec.timeout() != null) {
                deadline = timer.schedule(() -> {
                    timedOut.set(true);
                    kill(container, execId, marker);
                    timer.schedule(() -> {
                        aborted.set(true);
                        closeQuietly(source[0]);
                    }, AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
                }, Math.max(0, spec.timeout().toMillis()), TimeUnit.MILLISECONDS);
            }
            if (spec.tty() != null) {
                // the API before 1.42 takes no ConsoleSize at create: the size is set once the command runs, as docker does
                initialSize(execId, spec.tty());
            }
            StreamFrames frames = new StreamFrames(stream, spec.tty() != null);
            try {
                for (StreamFrames.Frame frame = frames.next(); frame != null; frame = frames.next()) {
                    output.accept(frame);
                }
            } catch (IOException e) {
                if (!aborted.get()) {
                    throw new ContainerEngineException("Exec of " + spec.command() + " in container " + container
                            + " failed: its output stream broke off (" + DockerConnector.reason(e)
                            + "); check that the Docker daemon is still running", e);
                }
            }
        } catch (IOException e) {
            throw new ContainerEngineException("Exec of " + spec.command() + " in container " + container + " on the Docker daemon at "
                    + api.endpoint().uri() + " failed: " + DockerConnector.reason(e) + "; check that the daemon is still running", e);
        } catch (DockerApiException e) {
            throw notRunningOr(e, container, spec.command());
        } finally {
            if (unwatch != null) {
                unwatch.run();
            }
            if (deadline != null && timedOut.get()) {
                // the output ends once the command's first process is killed; the kill goes on through the others
                awaitKill(deadline);
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            closeQuietly(source[0]);
            if (stdinWriter != null) {
                stdinWriter.interrupt();
            }
        }
        output.finish();
        // a cut-off exec may run on (its processes could not be killed): ask once instead of waiting for its end
        Optional<Integer> exitCode = aborted.get() ? exitCodeNow(execId) : exitCode(execId, container);
        int code = exitCode.orElse(timedOut.get() ? 137 : -1);
        return new ExecResult(code, output.stdout(), output.stderr(), timedOut.get());
    }

    /** Waits (bounded) until the timed-out exec's kill is done, so that no process of it is left when the call returns. */
    private static void awaitKill(ScheduledFuture<?> kill) {
        try {
            kill.get(AFTER_KILL.toMillis() + EXIT_CODE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("the kill of a timed-out exec did not finish: {}", e.toString());
        }
    }

    private String create(String container, ExecSpec spec, String marker) {
        ObjectNode body = DockerApi.MAPPER.createObjectNode();
        body.put("AttachStdin", spec.hasStdin()).put("AttachStdout", true).put("AttachStderr", true).put("Tty", spec.tty() != null);
        if (spec.privileged()) {
            body.put("Privileged", true);
        }
        if (spec.tty() != null) {
            body.putArray("ConsoleSize").add(spec.tty().rows()).add(spec.tty().columns());
        }
        spec.command().forEach(body.putArray("Cmd")::add);
        if (!spec.env().isEmpty() || marker != null) {
            var env = body.putArray("Env");
            spec.env().forEach(env::add);
            if (marker != null) {
                env.add(marker);
            }
        }
        if (spec.user() != null) {
            body.put("User", spec.user());
        }
        if (spec.workingDir() != null) {
            body.put("WorkingDir", spec.workingDir());
        }
        try {
            JsonNode created = api.call("POST", "/containers/" + DockerContainers.reference(container) + "/exec").jsonBody(body).json();
            return created.path("Id").asText();
        } catch (DockerApiException e) {
            throw notRunningOr(e, container, spec.command());
        }
    }

    private static RuntimeException notRunningOr(DockerApiException e, String container, List<String> command) {
        if (e.status() == 404 && e.daemonMessage().toLowerCase(java.util.Locale.ROOT).contains("no such container")) {
            return new ContainerNotFoundException(container);
        }
        if (e.status() == 409) {
            return new ContainerEngineException("Exec of " + command + " in container " + container + " failed: "
                    + e.daemonMessage() + "; start the container first", e);
        }
        return new ContainerEngineException("Exec of " + command + " in container " + container + " failed: " + e.getMessage(), e);
    }

    private static ObjectNode startNode(boolean tty) {
        return DockerApi.MAPPER.createObjectNode().put("Detach", false).put("Tty", tty);
    }

    private static byte[] startBody(boolean tty) {
        return startNode(tty).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sizes the exec's terminal once its process runs: the daemon refuses a resize until then, so it is retried as the
     * docker CLI retries it (10 times, waiting longer each time), with the size as it is at each attempt.
     */
    private void initialSize(String execId, dev.stevedore.engine.Tty tty) {
        for (int attempt = 1; attempt <= 10 && !resize(execId, tty.rows(), tty.columns()); attempt++) {
            try {
                Thread.sleep(10L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sizes the exec's terminal; false when the daemon refused (not started yet, or ended). */
    private boolean resize(String execId, int rows, int columns) {
        try {
            api.call("POST", "/exec/" + execId + "/resize").query("h", Integer.toString(rows))
                    .query("w", Integer.toString(columns)).discard();
            return true;
        } catch (DockerApiException e) {
            LOG.debug("resizing the terminal of exec {} failed: {}", execId, e.getMessage());
            return false;
        }
    }

    /**
     * Writes stdin on a thread of its own, as it comes, so a process that answers before it has read everything
     * cannot block us and an interactive one gets each line when it is written.
     */
    private static Thread feed(HijackedStream hijacked, InputStream stdin, String container) {
        Thread writer = new Thread(() -> {
            try {
                byte[] buffer = new byte[64 * 1024];
                for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                    hijacked.writeStdin(buffer, 0, n);
                }
                hijacked.closeStdin();
            } catch (IOException e) {
                // the process exited without reading all of its input, or the exec was cut off: nothing to tell
                LOG.debug("writing stdin of an exec in container {} stopped: {}", container, e.toString());
            }
        }, "stevedore-exec-stdin");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    private Optional<Integer> exitCodeNow(String execId) {
        try {
            JsonNode inspect = api.call("GET", "/exec/" + execId + "/json").json();
            return inspect.path("Running").asBoolean(false) || !inspect.hasNonNull("ExitCode")
                    ? Optional.empty() : Optional.of(inspect.path("ExitCode").asInt());
        } catch (DockerApiException e) {
            return Optional.empty();
        }
    }

    /** The exit code once the daemon has recorded it; empty when it still reports the exec running. */
    private Optional<Integer> exitCode(String execId, String container) {
        long deadline = System.nanoTime() + EXIT_CODE_WAIT.toNanos();
        long pause = 1;
        while (true) {
            JsonNode inspect;
            try {
                inspect = api.call("GET", "/exec/" + execId + "/json").json();
            } catch (DockerApiException e) {
                if (e.status() == 404) {
                    // the container went away with the exec (removed meanwhile)
                    return Optional.empty();
                }
                throw e;
            }
            if (!inspect.path("Running").asBoolean(false) && inspect.hasNonNull("ExitCode")) {
                return Optional.of(inspect.path("ExitCode").asInt());
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("the Docker daemon still reports exec {} in container {} running after its output ended", execId, container);
                return Optional.empty();
            }
            try {
                // the daemon records the exit code a moment after it closes the stream
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            pause = Math.min(pause * 2, 50);
        }
    }

    /** Kills every process of the exec: inside the container first, then through the host's /proc. */
    private void kill(String container, String execId, String marker) {
        try {
            if (killInContainer(container, marker)) {
                return;
            }
        } catch (RuntimeException e) {
            LOG.debug("killing the timed-out exec {} from inside container {} failed: {}", execId, container, e.toString());
        }
        if (killOnHost(execId, marker)) {
            return;
        }
        LOG.warn("exec {} in container {} timed out, but its processes could not be killed: the image has no sh, tr and grep,"
                + " and the Docker daemon does not run on this host; they are left running", execId, container);
    }

    private boolean killInContainer(String container, String marker) {
        ObjectNode body = DockerApi.MAPPER.createObjectNode();
        body.put("AttachStdout", true).put("AttachStderr", true).put("User", "0");
        var cmd = body.putArray("Cmd");
        List.of("sh", "-c", KILL_SCRIPT, "sh", marker).forEach(cmd::add);
        String killer = api.call("POST", "/containers/" + DockerContainers.reference(container) + "/exec").jsonBody(body)
                .json().path("Id").asText();
        api.call("POST", "/exec/" + killer + "/start").jsonBody(startNode(false)).discard();
        return exitCode(killer, container).orElse(1) == 0;
    }

    private boolean killOnHost(String execId, String marker) {
        if (api.endpoint().kind() != DockerEndpoint.Kind.UNIX) {
            return false;
        }
        long pid = api.call("GET", "/exec/" + execId + "/json").json().path("Pid").asLong(0);
        if (pid <= 0 || !carriesMarker(pid, marker)) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return false;
        }
        process.get().descendants().filter(p -> carriesMarker(p.pid(), marker)).forEach(ProcessHandle::destroyForcibly);
        return process.get().destroyForcibly();
    }

    /** Whether host process {@code pid} is one of the exec's: the pid may be another process's in our pid namespace. */
    private static boolean carriesMarker(long pid, String marker) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return new String(environ, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // closing aborts a stream that is no longer wanted; a failure changes nothing
        }
    }

    /**
     * Collects an exec's output: all bytes per stream, and lines handed to the caller's consumer as they complete; a
     * terminal's chunks as they come.
     */
    private static final class Output {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private final Consumer<LogLine> consumer;
        private final boolean raw;
        private final LineAssembler lines;

        Output(Consumer<LogLine> consumer, boolean raw) {
            this.consumer = consumer;
            this.raw = raw;
            this.lines = consumer == null ? null : new LineAssembler(consumer);
        }

        void accept(StreamFrames.Frame frame) {
            byte[] payload = frame.payload();
            (frame.stream() == LogLine.Stream.STDERR ? stderr : stdout).write(payload, 0, payload.length);
            if (raw && consumer != null) {
                consumer.accept(new LogLine(frame.stream(), Instant.now(), payload));
            } else if (lines != null) {
                lines.accept(frame.stream(), payload, 0, payload.length, Instant.now());
            }
        }

        void finish() {
            if (lines != null) {
                lines.finish();
            }
        }

        String stdout() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        String stderr() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }
}
