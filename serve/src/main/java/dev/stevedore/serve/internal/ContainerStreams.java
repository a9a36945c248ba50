package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The container endpoints that stream: logs, attach and wait. Streams that last (logs with follow, wait) end the
 * connection when they are done and notice a client that leaves; an attached stream ends with the container. An
 * attach with {@code stdin=1} to a container with an open stdin passes the client's input on as it comes; its
 * half-close ends the container's stdin when the container was created with {@code StdinOnce} ({@code docker run
 * -i}), else only this attach's input. A container with a TTY has one raw stream: logs and attach carry its bytes as
 * they came, unframed ({@code application/vnd.docker.raw-stream}), as dockerd sends them, and {@code POST
 * /containers/{id}/resize} sizes its terminal.
 */
final class ContainerStreams {
    private static final String ID = "(?<id>[^/]+)";
    /** How long an ended attach's connection waits for the client to close, its stdin unread (see lingerForClient). */
    private static final long LINGER_MILLIS = 5_000;

    private final ServeState state;
    private final ContainerRoutes containers;

    ContainerStreams(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("POST", "/containers/" + ID + "/wait", this::await)
                .add("GET", "/containers/" + ID + "/logs", this::logs)
                .add("POST", "/containers/" + ID + "/attach", this::attach)
                .add("POST", "/containers/" + ID + "/resize", this::resize);
    }

    /** {@code POST /containers/{id}/resize?h=&w=}: the container's terminal takes the size (docker run -t sends it). */
    private void resize(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        int[] size = WindowSizes.of(x.request());
        if (!c.spec().tty()) {
            throw ApiException.badRequest("container " + c.shortId() + " has no TTY to resize: create it with Tty (docker run -t)");
        }
        try {
            state.engine.resizeContainer(c.id(), size[0], size[1]);
        } catch (ContainerNotFoundException e) {
            throw ApiException.notFound("No such container: " + c.id());
        } catch (dev.stevedore.engine.ContainerEngineException e) {
            throw ApiException.conflict(e.getMessage());
        }
        x.response().empty(200);
    }

    private ContainerInfo find(String reference) {
        return containers.find(reference);
    }

    // ---- logs -----------------------------------------------------------------------------------

    private void logs(Exchange x) throws IOException {
        HttpRequest request = x.request();
        ContainerInfo c = find(x.param("id"));
        boolean stdout = request.flag("stdout");
        boolean stderr = request.flag("stderr");
        if (!stdout && !stderr) {
            throw ApiException.badRequest("Bad parameters: you must choose at least one stream");
        }
        boolean follow = request.flag("follow");
        boolean timestamps = request.flag("timestamps");
        LogOptions options = new LogOptions(stdout, stderr, follow, tail(request.query("tail")), since(request.query("since")));
        Instant until = until(request.query("until"));
        ContainerLogs logs = state.engine.logs(c.id(), options);
        if (follow) {
            x.response().closeAfter();
        }
        boolean raw = c.spec().tty();
        OutputStream chunks = x.response().stream(200, raw ? Frames.RAW : Frames.contentType(request.apiVersion()));
        if (follow) {
            x.connection().watchForClose(logs::close);
        }
        // history goes out in chunks of many frames; a follow sends each line as it comes
        OutputStream out = follow ? chunks : new java.io.BufferedOutputStream(chunks, 64 * 1024);
        try (logs; Stream<LogLine> lines = logs.lines()) {
            Iterator<LogLine> iterator = lines.iterator();
            while (iterator.hasNext()) {
                LogLine line = iterator.next();
                if (until != null && line.time().isAfter(until)) {
                    break;
                }
                if (raw) {
                    out.write(payload(line, timestamps));
                    if (follow) {
                        out.flush();
                    }
                } else {
                    Frames.write(out, line.stream() == LogLine.Stream.STDERR ? Frames.STDERR : Frames.STDOUT,
                            payload(line, timestamps), follow);
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client left; its logs stream is closed with it
        }
    }

    /**
     * A line's bytes as the container wrote them, its newline when it had one (an unterminated last line stays so, as
     * dockerd's json-file keeps it); a terminal's chunk as it came. With timestamps, the line's time before it.
     */
    static byte[] payload(LogLine line, boolean timestamps) {
        byte[] bytes = line.bytes();
        if (!timestamps) {
            return bytes;
        }
        byte[] time = (Json.logTime(line.time()) + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] payload = java.util.Arrays.copyOf(time, time.length + bytes.length);
        System.arraycopy(bytes, 0, payload, time.length, bytes.length);
        return payload;
    }

    /** {@code tail}: a number of lines, or {@code all} (or nothing, or a negative number) for every line. */
    static int tail(String tail) {
        if (tail == null || tail.isBlank() || tail.equalsIgnoreCase("all")) {
            return -1;
        }
        try {
            int lines = Integer.parseInt(tail.strip());
            return lines < 0 ? -1 : lines;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for tail: \"" + tail + "\"");
        }
    }

    /** {@code since}: Unix seconds with an optional fraction ({@code 1700000000.123456789}); 0 or nothing for all. */
    static Instant since(String since) {
        Instant instant = timestamp(since, "since");
        return instant == null || instant.equals(Instant.EPOCH) ? null : instant;
    }

    private static Instant until(String until) {
        Instant instant = timestamp(until, "until");
        return instant == null || instant.equals(Instant.EPOCH) ? null : instant;
    }

    private static Instant timestamp(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(text.strip());
            long whole = seconds.longValue();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
            return Instant.ofEpochSecond(whole, nanos);
        } catch (NumberFormatException | ArithmeticException e) {
            try {
                return Instant.parse(text.strip());
            } catch (java.time.format.DateTimeParseException e2) {
                throw ApiException.badRequest("invalid value for " + name + ": \"" + text + "\"");
            }
        }
    }

    // ---- attach ---------------------------------------------------------------------------------

    /**
     * Attaches to the container's output: new lines from now on (with {@code logs=1}, also what came before),
     * until the container exits. Attached before start (as {@code docker run} does), it waits for the start.
     * With {@code stdin=1}, the client's input goes to the container's stdin once it runs (the client's bytes wait in
     * the connection meanwhile); a container without an open stdin has its input read and dropped, as dockerd does.
     * The stream is the engine's attach, which shows the output whatever the log driver; {@code logs=1} has no history
     * to give for log driver {@code none}.
     */
    private void attach(Exchange x) throws IOException {
        HttpRequest request = x.request();
        ContainerInfo c = find(x.param("id"));
        boolean stdout = request.flag("stdout");
        boolean stderr = request.flag("stderr");
        boolean history = request.flag("logs") && !c.spec().logConfig().keepsNothing();
        boolean stream = request.flag("stream");
        // dockerd's attach event, before anything is streamed: the engine's attach records it, taken now so that it
        // misses nothing a start after this writes
        ContainerLogs attached = stream && (stdout || stderr) ? state.engine.attach(c.id()) : null;
        if (attached == null) {
            state.engine.recordAttach(c.id());
        }
        state.attach(c.id());
        // watching before looking: the start and the end that come after are seen however soon they come
        try (EventFeed.Watch watch = state.events().watchContainer(c.id())) {
            boolean raw = c.spec().tty();
            OutputStream out = x.hijack(raw ? Frames.RAW : Frames.contentType(request.apiVersion()));
            boolean feed = request.flag("stdin") && stream && c.spec().openStdin();
            if (request.flag("stdin") && !feed) {
                drain(x.connection().input());
            }
            if (history && (stdout || stderr)) {
                copy(state.engine.logs(c.id(), new LogOptions(stdout, stderr, false, -1, null)), out, raw);
            }
            if (stream && awaitStart(c, watch)) {
                // without StdinOnce, the end of the client's input ends this attach (dockerd's rule)
                AtomicBoolean detached = new AtomicBoolean();
                ContainerLogs following = attached;
                if (feed) {
                    feed(c, x.connection().input(), () -> {
                        if (!c.spec().stdinOnce()) {
                            detached.set(true);
                            watch.wake();
                            if (following != null) {
                                following.close();
                            }
                        }
                    });
                }
                if (following != null) {
                    copy(following, out, raw, stdout, stderr);
                } else {
                    awaitExit(c.id(), detached, watch);
                }
            }
            out.flush();
            x.connection().shutdownOutput();
            if (request.flag("stdin")) {
                x.connection().lingerForClient(LINGER_MILLIS);
            }
        } catch (ContainerNotFoundException gone) {
            // removed while attached: the stream just ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (attached != null) {
                attached.close(); // not followed when the container never started, or the client went
            }
            state.detach(c.id());
        }
    }

    /**
     * Passes what the client sends to the container's stdin as it comes, on a thread of its own, until the client
     * half-closes (then the stream is closed: end of file for the container with {@code StdinOnce}) or the container
     * ends (then the rest is dropped).
     */
    private void feed(ContainerInfo c, InputStream in, Runnable atInputEnd) {
        Thread feeder = new Thread(() -> {
            OutputStream stdin;
            try {
                stdin = state.engine.attachStdin(c.id());
            } catch (RuntimeException e) {
                drainNow(in); // ended (or was removed) already: its input has nowhere to go
                return;
            }
            try (stdin) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    stdin.write(buffer, 0, n);
                }
                atInputEnd.run();
            } catch (IOException e) {
                drainNow(in); // the container ended, or the client left
            }
        }, "stevedore-serve-stdin-" + c.shortId());
        feeder.setDaemon(true);
        feeder.start();
    }

    private static void drainNow(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // nowhere to send it
            }
        } catch (IOException e) {
            // the connection ended
        }
    }

    /** Reads and drops what the client sends, on a thread of its own, until it closes its side. */
    private static void drain(InputStream in) {
        Thread drainer = new Thread(() -> drainNow(in), "stevedore-serve-stdin");
        drainer.setDaemon(true);
        drainer.start();
    }

    private static void copy(ContainerLogs logs, OutputStream out, boolean raw) throws IOException {
        copy(logs, out, raw, true, true);
    }

    /** As {@link #copy(ContainerLogs, OutputStream, boolean)}, of the streams asked for (an attach has both). */
    private static void copy(ContainerLogs logs, OutputStream out, boolean raw, boolean stdout, boolean stderr)
            throws IOException {
        try (logs; Stream<LogLine> lines = logs.lines()) {
            Iterator<LogLine> iterator = lines.iterator();
            while (iterator.hasNext()) {
                LogLine line = iterator.next();
                if (!(line.stream() == LogLine.Stream.STDERR ? stderr : stdout)) {
                    continue;
                }
                if (raw) {
                    out.write(payload(line, false));
                    out.flush();
                } else {
                    Frames.write(out, line.stream() == LogLine.Stream.STDERR ? Frames.STDERR : Frames.STDOUT, payload(line, false));
                }
            }
        }
    }

    /**
     * Waits until the container runs (or ran since the attach began): woken by its events, not by polling. False when
     * it was removed or the server closes.
     */
    private boolean awaitStart(ContainerInfo attached, EventFeed.Watch watch) throws InterruptedException {
        Instant startedBefore = attached.state().startedAt();
        ContainerState s = attached.state();
        while (!s.running() && !(s.status() == ContainerState.Status.EXITED && !Objects.equals(s.startedAt(), startedBefore))) {
            if (state.closed()) {
                return false;
            }
            watch.next(null);
            s = state.engine.inspectContainer(attached.id()).state();
        }
        return true;
    }

    // ---- wait -----------------------------------------------------------------------------------

    /**
     * {@code POST /containers/{id}/wait}: the head goes out at once (the docker CLI sends the wait before the
     * start and blocks until it has the head), the status code when the condition is met. The wait looks at the
     * container whenever one of its events comes (watched from before the first look), never by polling.
     */
    private void await(Exchange x) throws IOException {
        ContainerInfo c = find(x.param("id"));
        String condition = x.request().query("condition");
        condition = condition == null || condition.isEmpty() ? "not-running" : condition;
        if (!List.of("not-running", "next-exit", "removed").contains(condition)) {
            throw ApiException.badRequest("invalid condition: \"" + condition + "\"");
        }
        AtomicBoolean gone = new AtomicBoolean();
        x.response().closeAfter();
        ContainerState end;
        try (EventFeed.Watch watch = state.events().watchContainer(c.id())) {
            OutputStream out = x.response().stream(200, HttpResponse.JSON);
            x.connection().watchForClose(() -> {
                gone.set(true);
                watch.wake();
            });
            end = switch (condition) {
                case "next-exit" -> awaitNextExit(c, gone, watch);
                case "removed" -> awaitRemoval(c.id(), gone, watch);
                default -> awaitExit(c.id(), gone, watch);
            };
            if (end == null) {
                return;
            }
            ObjectNode answer = Json.object().put("StatusCode", end.exitCode());
            if (end.error().isEmpty()) {
                answer.putNull("Error");
            } else {
                answer.set("Error", Json.object().put("Message", end.error()));
            }
            byte[] json = Json.bytes(answer);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            out.write(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The state once the container is not running; null when the client or server went away first. */
    private ContainerState awaitExit(String id, AtomicBoolean gone, EventFeed.Watch watch) throws InterruptedException {
        while (!gone.get() && !state.closed()) {
            ContainerState s;
            try {
                s = state.engine.inspectContainer(id).state();
            } catch (ContainerNotFoundException removed) {
                return state.removedState(id).orElse(removedWithoutState());
            }
            if (!s.running()) {
                return s;
            }
            watch.next(null);
        }
        return null;
    }

    private ContainerState awaitNextExit(ContainerInfo c, AtomicBoolean gone, EventFeed.Watch watch)
            throws InterruptedException {
        Instant startedBefore = c.state().startedAt();
        boolean ran = c.state().running();
        while (!gone.get() && !state.closed()) {
            ContainerState s;
            try {
                s = state.engine.inspectContainer(c.id()).state();
            } catch (ContainerNotFoundException removed) {
                return state.removedState(c.id()).orElse(removedWithoutState());
            }
            if (s.running()) {
                ran = true;
            } else if (ran || (s.status() == ContainerState.Status.EXITED && !Objects.equals(s.startedAt(), startedBefore))) {
                return s;
            }
            watch.next(null);
        }
        return null;
    }

    private ContainerState awaitRemoval(String id, AtomicBoolean gone, EventFeed.Watch watch) throws InterruptedException {
        ContainerState last = null;
        while (!gone.get() && !state.closed()) {
            try {
                ContainerState s = state.engine.inspectContainer(id).state();
                if (!s.running() && s.status() != ContainerState.Status.CREATED) {
                    last = s;
                }
            } catch (ContainerNotFoundException removed) {
                return state.removedState(id).orElse(last != null ? last : removedWithoutState());
            }
            watch.next(null);
        }
        return null;
    }

    private static ContainerState removedWithoutState() {
        return new ContainerState(ContainerState.Status.EXITED, 0, 0, 0, false, "", null, Instant.now());
    }
}
