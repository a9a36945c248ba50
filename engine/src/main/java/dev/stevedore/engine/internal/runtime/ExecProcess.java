package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link ExecRequest} through {@code launcher exec} and waits for it: output is handed over as
 * it comes, stdin is fed from another thread as it comes (a command that writes before it reads must not
 * block the feeding; an interactive command answers line by line), never more than the launcher's window
 * ahead of what the command has read, and a timeout kills the command's process group. Whatever happens, the call returns:
 * the launcher ends when the command ends, when the container ends (the kernel kills its namespace),
 * or when this JVM closes the pipe; a launcher that hangs anyway is destroyed after a grace period.
 */
public final class ExecProcess {
    private static final int SIGKILL = 9;
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    private static final int STDIN_CHUNK = ContainerStdin.CHUNK;

    /** Receives output as it comes; {@code stderr} tells the stream. Called on the exec's calling thread. */
    public interface Output {
        void accept(boolean stderr, byte[] data);
    }

    /**
     * How an exec ended.
     *
     * @param exitCode the command's exit code (128 + signal when killed), or Docker's 126/127 when it could not be executed
     * @param signal   the signal that ended it, 0 when it exited
     * @param timedOut whether the timeout killed it
     * @param failure  what the launcher reported when the command could not be run, or {@code null}
     * @param message  the launcher's message for {@code failure}, or empty
     */
    public record Outcome(int exitCode, int signal, boolean timedOut, LauncherError failure, String message) {
    }

    private ExecProcess() {
    }

    /** How much of the exec's stdin the launcher has taken off its buffer, and whether the exec is over. */
    private static final class Credit {
        private long sent;
        private long acked;
        private boolean over;

        synchronized void acked(long bytes) {
            acked += bytes;
            notifyAll();
        }

        synchronized void over() {
            over = true;
            notifyAll();
        }

        /** Waits for room for {@code bytes} more; false once the exec is over. */
        synchronized boolean reserve(int bytes) throws InterruptedException {
            while (!over && ContainerStdin.WINDOW - (sent - acked) < bytes) {
                wait();
            }
            sent += bytes;
            return !over;
        }
    }

    static Outcome run(Path binary, ExecRequest request, byte[] stdin, InputStream stdinStream, dev.stevedore.engine.Tty tty,
                       Duration timeout, Output output) {
        List<Path> cgroups;
        try {
            cgroups = StateFiles.readCgroups(request.stateDirectory());
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read the cgroups of container " + request.stateDirectory() + ": " + e, e);
        }
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "exec")
                .directory(Path.of("/").toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(request.stateDirectory().resolve(StateFiles.LAUNCHER_LOG).toFile()));
        builder.environment().clear();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot start the launcher " + binary + " to exec in container "
                    + request.stateDirectory() + ": " + e.getMessage(), e);
        }
        OutputStream commands = process.getOutputStream();
        Object writeLock = new Object();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = null;
        ScheduledFuture<?> destroy = null;
        Thread feeder = null;
        Runnable unwatch = null;
        Credit credit = new Credit();
        try {
            boolean small = stdin != null && stdin.length <= STDIN_CHUNK;
            if (small) {
                credit.sent = stdin.length;
            }
            InputStream source = stdinStream != null ? stdinStream : stdin != null && !small ? new java.io.ByteArrayInputStream(stdin) : null;
            synchronized (writeLock) {
                if (tty != null) {
                    // watched before the size is read for the spec: a change in between waits for this lock, then follows
                    unwatch = tty.watch((rows, columns) -> send(commands, writeLock,
                            Records.encode("resize", Integer.toString(rows), Integer.toString(columns))));
                }
                commands.write(request.encode(cgroups, stdin != null || stdinStream != null, tty));
                if (small) {
                    // in the same write as the spec: no thread for it, and the launcher takes it from its buffer
                    commands.write(Records.encodeData("stdin", stdin, 0, stdin.length));
                    commands.write(Records.encode("stdin-close"));
                }
                commands.flush();
            }
            if (source != null) {
                feeder = new Thread(() -> feed(commands, writeLock, source, credit), "stevedore-exec-stdin");
                feeder.setDaemon(true);
                feeder.start();
            }
            if (timeout != null) {
                deadline = Timers.after(timeout, () -> {
                    timedOut.set(true);
                    // off the timer thread: a launcher that stopped reading must not stall every deadline
                    java.util.concurrent.CompletableFuture.runAsync(
                            () -> send(commands, writeLock, Records.encode("signal", Integer.toString(SIGKILL))));
                });
                destroy = Timers.after(timeout.plus(KILL_GRACE), process::destroyForcibly);
            }
            return read(process.getInputStream(), output, timedOut, credit);
        } catch (IOException e) {
            throw new ContainerEngineException("exec in container " + request.stateDirectory() + " failed: the launcher's "
                    + "pipe broke (" + e.getMessage() + ")", e);
        } finally {
            credit.over();
            if (unwatch != null) {
                unwatch.run();
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (destroy != null) {
                destroy.cancel(false);
            }
            synchronized (writeLock) {
                closeQuietly(commands);
            }
            if (feeder != null && stdinStream == null) {
                // only a feeder of our own copy: interrupting a read on the caller's stream can close what it reads
                // (a channel's stream closes on interrupt: serve's client connection would end before serve recorded
                // the exit, and `docker exec -it` read exit 0); a caller's feeder ends with its stream or its next send
                feeder.interrupt();
            }
            try {
                if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            closeQuietly(process.getInputStream());
        }
    }

    private static Outcome read(InputStream in, Output output, AtomicBoolean timedOut, Credit credit) throws IOException {
        Records.Reader reader = new Records.Reader(in);
        LauncherError failure = null;
        String message = "";
        for (;;) {
            Records.RawRecord record = reader.nextRaw();
            if (record == null) {
                // the launcher died without reporting an end: killed by the grace-period destroy, or crashed
                int code = failure != null ? failure.dockerExitCode() : 128 + SIGKILL;
                return new Outcome(code, failure != null ? 0 : SIGKILL, timedOut.get(), failure, message);
            }
            switch (record.key()) {
                case "stdout" -> output.accept(false, record.fields().get(0));
                case "stderr" -> output.accept(true, record.fields().get(0));
                case "stdin-ack" -> credit.acked(Long.parseLong(record.text().field(0)));
                case "error" -> {
                    Records.Record text = record.text();
                    failure = new LauncherError(text.field(0), Integer.parseInt(text.field(1)), text.field(3));
                    message = text.field(2);
                }
                case "exit" -> {
                    Records.Record text = record.text();
                    int value = Integer.parseInt(text.field(1));
                    boolean signaled = text.field(0).equals("signal");
                    int code = signaled ? 128 + value : value;
                    if (failure != null && failure.execFailed()) {
                        code = failure.dockerExitCode();
                    }
                    return new Outcome(code, signaled ? value : 0, timedOut.get() && signaled, failure, message);
                }
                default -> { }
            }
        }
    }

    /** Passes what the stream gives on as it comes; its end (or failure) is the command's end of file. */
    private static void feed(OutputStream commands, Object writeLock, InputStream stdin, Credit credit) {
        byte[] buffer = new byte[STDIN_CHUNK];
        try {
            for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                if (n == 0) {
                    continue;
                }
                if (!credit.reserve(n) || !send(commands, writeLock, Records.encodeData("stdin", buffer, 0, n))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the caller's stream failed: for the command, its input ends here
        } catch (InterruptedException e) {
            return; // the exec is over
        }
        send(commands, writeLock, Records.encode("stdin-close"));
    }

    private static boolean send(OutputStream commands, Object writeLock, byte[] record) {
        synchronized (writeLock) {
            try {
                commands.write(record);
                commands.flush();
                return true;
            } catch (IOException e) {
                return false; // the launcher is gone or the exec ended: nothing left to tell it
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // a pipe to a process that is gone
        }
    }
}
