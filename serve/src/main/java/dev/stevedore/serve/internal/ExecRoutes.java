package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Exec as Docker splits it: create (remembered here), start (the engine runs it, its output streamed as
 * frames on the hijacked or plain connection), inspect (exit code recorded before the stream closes).
 *
 * <p>With {@code AttachStdin} the client's input on the hijacked connection is the command's stdin as it comes, its
 * half-close the command's end of file, so an interactive session ({@code docker exec -i CONTAINER sh}) answers line
 * by line. Output reaches the client line by line, each line with its newline. With {@code Tty} the command runs on a
 * pseudo-terminal: its output is the terminal's raw stream, unframed, as it comes, and {@code POST /exec/{id}/resize}
 * (which the docker CLI sends at start and on every window change) sets its size.
 */
final class ExecRoutes {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a finished exec's connection waits for the client to close, its stdin unread (see lingerForClient). */
    private static final long LINGER_MILLIS = 5_000;

    private final ServeState state;
    private final ContainerRoutes containers;

    ExecRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("POST", "/containers/(?<id>[^/]+)/exec", this::create)
                .add("POST", "/exec/(?<id>[^/]+)/start", this::start)
                .add("POST", "/exec/(?<id>[^/]+)/resize", this::resize)
                .add("GET", "/exec/(?<id>[^/]+)/json", this::inspect);
    }

    private void create(Exchange x) throws IOException {
        ContainerInfo c = containers.find(x.param("id"));
        JsonNode body = x.body();
        if (!c.state().running()) {
            throw ApiException.conflict("Container " + c.id() + " is not running");
        }
        List<String> cmd = Json.strings(body, "Cmd");
        if (cmd == null || cmd.isEmpty()) {
            throw ApiException.badRequest("No exec command specified");
        }
        dev.stevedore.engine.Tty tty = body.path("Tty").asBoolean(false) ? consoleSize(body.path("ConsoleSize")) : null;
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        List<String> env = Json.strings(body, "Env");
        state.addExec(new ExecInstance(id, c.id(), cmd, env == null ? List.of() : env.stream().filter(e -> e.indexOf('=') > 0).toList(),
                Json.text(body, "User"), Json.text(body, "WorkingDir"), Json.bool(body, "AttachStdin"),
                !body.hasNonNull("AttachStdout") || Json.bool(body, "AttachStdout"),
                !body.hasNonNull("AttachStderr") || Json.bool(body, "AttachStderr"), Json.bool(body, "Privileged"), tty));
        x.response().json(201, Json.object().put("Id", id));
    }

    private void start(Exchange x) throws IOException {
        ExecInstance exec = state.exec(x.param("id"));
        JsonNode body = x.body();
        containers.find(exec.containerId());
        if (!exec.start()) {
            throw ApiException.conflict("exec " + exec.id() + " has already been started");
        }
        if (body.path("Detach").asBoolean(false)) {
            Thread detached = new Thread(() -> run(exec, null, line -> { }), "stevedore-serve-exec-" + exec.id().substring(0, 12));
            detached.setDaemon(true);
            detached.start();
            x.response().empty(200);
            return;
        }
        boolean raw = exec.tty() != null;
        OutputStream out = x.hijack(raw ? Frames.RAW : Frames.contentType(x.request().apiVersion()));
        InputStream stdin = exec.attachStdin() ? x.connection().input() : null;
        AtomicBoolean broken = new AtomicBoolean();
        Consumer<LogLine> output = line -> {
            boolean err = line.stream() == LogLine.Stream.STDERR;
            if (broken.get() || (err ? !exec.attachStderr() : !exec.attachStdout())) {
                return;
            }
            try {
                if (raw) {
                    // a terminal's stream as it came, no frames (docker's rule for a TTY)
                    line.writeTo(out);
                    out.flush();
                } else {
                    Frames.write(out, err ? Frames.STDERR : Frames.STDOUT, line.bytes());
                }
            } catch (IOException e) {
                broken.set(true); // the client left; the command runs to its end regardless
            }
        };
        String failure = run(exec, stdin, output);
        if (failure != null && !broken.get()) {
            try {
                byte[] message = (failure + "\n").getBytes(StandardCharsets.UTF_8);
                if (raw) {
                    out.write(message);
                    out.flush();
                } else {
                    Frames.write(out, Frames.STDERR, message);
                }
            } catch (IOException e) {
                // the client left
            }
        }
        x.connection().shutdownOutput();
        if (stdin != null) {
            x.connection().lingerForClient(LINGER_MILLIS);
        }
    }

    /** Runs the exec and records its end; the engine's failure message when it could not run, else null. */
    private String run(ExecInstance exec, InputStream stdin, Consumer<LogLine> output) {
        // Privileged as dockerd takes it: every capability, in any container
        ExecSpec spec = new ExecSpec(exec.command(), exec.env(), exec.user(), exec.workingDir(), null, null, output, stdin,
                exec.tty(), exec.privileged());
        try {
            ExecResult result = state.engine.exec(exec.containerId(), spec);
            exec.ended(result.exitCode());
            return null;
        } catch (RuntimeException e) {
            exec.ended(126);
            return Errors.of(e).getMessage();
        }
    }

    /** {@code ConsoleSize: [height, width]} as the docker CLI sends it with {@code -t}; 24x80 without. */
    private static dev.stevedore.engine.Tty consoleSize(JsonNode size) {
        if (size.isArray() && size.size() == 2 && size.get(0).asInt() > 0 && size.get(1).asInt() > 0) {
            return dev.stevedore.engine.Tty.of(size.get(0).asInt(), size.get(1).asInt());
        }
        return dev.stevedore.engine.Tty.standard();
    }

    /** {@code POST /exec/{id}/resize?h=&w=}: the exec's terminal takes the size. */
    private void resize(Exchange x) throws IOException {
        ExecInstance exec = state.exec(x.param("id"));
        if (exec.tty() == null) {
            throw ApiException.badRequest("exec " + exec.id() + " has no TTY to resize: create it with Tty (docker exec -t)");
        }
        int[] size = WindowSizes.of(x.request());
        exec.tty().resize(size[0], size[1]);
        x.response().empty(200);
    }

    private long pid(ExecInstance exec) {
        if (!exec.running()) {
            return 0;
        }
        try {
            return ContainerProcesses.execPid(state.engine.inspectContainer(exec.containerId()).state().pid(), exec.env());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void inspect(Exchange x) throws IOException {
        ExecInstance exec = state.exec(x.param("id"));
        ObjectNode doc = Json.object();
        doc.put("ID", exec.id());
        doc.put("Running", exec.running());
        Integer code = exec.exitCode();
        if (code == null) {
            doc.putNull("ExitCode");
        } else {
            doc.put("ExitCode", code);
        }
        ObjectNode process = doc.putObject("ProcessConfig");
        process.put("tty", exec.tty() != null).put("entrypoint", exec.command().get(0))
                .put("privileged", exec.privileged()).put("user", exec.user() == null ? "" : exec.user());
        process.set("arguments", Json.strings(exec.command().subList(1, exec.command().size())));
        doc.put("OpenStdin", exec.attachStdin()).put("OpenStderr", exec.attachStderr()).put("OpenStdout", exec.attachStdout())
                .put("CanRemove", false).put("ContainerID", exec.containerId()).put("DetachKeys", "").put("Pid", pid(exec));
        x.response().json(200, doc);
    }
}
