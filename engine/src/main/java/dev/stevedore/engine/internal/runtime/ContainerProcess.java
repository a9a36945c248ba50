package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerStartException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running (or finished) container, seen through its launcher, which stays on as the container's
 * supervisor. The launcher's stdin is the lifeline: {@link #close()} (or this JVM's death, even by
 * SIGKILL) makes the launcher kill the container.
 *
 * <p>Holds no thread: the exit is learnt from the launcher's own exit, which the JDK already watches.
 * Keep a reference while the container should run: once this object is unreachable, the JDK's
 * cleaner may close the pipe, which the launcher takes as the JVM's death. Thread-safe.
 *
 * <p>Pid 1's standard input and its flow control are {@link ContainerStdin}'s; what the launcher reports as failed
 * is put into words by {@link LauncherDiagnostics}. What stays here is one protocol with the launcher: the
 * barrier, the exit, signals and the lifeline, whose steps share the same pipes and state.
 *
 * <p>Past 500 lines with that one job: the protocol's steps share the pipes and the state, so they stay together.
 */
public final class ContainerProcess implements AutoCloseable {
    private static final int SIGKILL = 9;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long the launcher may take to set a container up. It needs milliseconds; only a hung mount
     * (a stuck overlay or network file system) takes longer, and a caller must not hang with it.
     */
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

    private enum Phase { SETUP, BARRIER, RELEASED, STARTED, FAILED }

    private final Process launcher;
    private final RuntimeSpec spec;
    private final List<Path> cgroups;
    private final Records.Reader reports;
    private final InputStream reportStream;
    private final SupervisorCommands commands;
    private final Object readLock = new Object();

    // guarded by readLock
    private Phase phase = Phase.SETUP;
    private long pid = -1;
    private volatile boolean ready;
    private ContainerStartException failure;
    private volatile ExitStatus exit;
    private boolean drained;
    private final LauncherDiagnostics diagnostics;
    private final ContainerStdin stdin;

    ContainerProcess(Process launcher, RuntimeSpec spec, List<Path> cgroups) {
        this.launcher = launcher;
        this.spec = spec;
        this.cgroups = List.copyOf(cgroups);
        this.reportStream = launcher.getInputStream();
        this.reports = new Records.Reader(reportStream);
        this.commands = new SupervisorCommands(launcher.getOutputStream());
        this.diagnostics = new LauncherDiagnostics(spec);
        this.stdin = new ContainerStdin(new ContainerStdin.Link() {
            @Override
            public boolean send(byte[] record) {
                return commands.send(record);
            }

            @Override
            public void pumpReports() throws IOException {
                readWaitingReports();
            }

            @Override
            public boolean ended() {
                return exit != null || drained || !launcher.isAlive();
            }
        }, spec.openStdin(), diagnostics.containerId());
    }

    /** The container's pid 1 as the host sees it. */
    public long pid() {
        return pid;
    }

    /** The spec the container was started from. */
    public RuntimeSpec spec() {
        return spec;
    }

    /** The launcher (supervisor) process. */
    public long supervisorPid() {
        return launcher.pid();
    }

    /** Reads the launcher's reports up to "ready"; on failure or after {@code timeout} closes everything and throws. */
    void awaitBarrier(Duration timeout) {
        awaitSetup(timeout, true);
    }

    /**
     * Reads the launcher's reports until pid 1 exists in its namespaces ("cloned"), while the launcher may
     * still read the spec and pid 1 set up its root file system; on failure or after {@code timeout} closes
     * everything and throws.
     */
    void awaitCreated(Duration timeout) {
        awaitSetup(timeout, false);
    }

    private void awaitSetup(Duration timeout, boolean untilReady) {
        AtomicBoolean timedOut = new AtomicBoolean();
        var watchdog = Timers.after(timeout, () -> {
            timedOut.set(true);
            launcher.destroyForcibly();
        });
        try {
            synchronized (readLock) {
                while (phase == Phase.SETUP && !drained && (untilReady || pid < 0)) {
                    readOne();
                }
                if (phase == Phase.BARRIER || (!untilReady && phase == Phase.SETUP && pid > 0)) {
                    return;
                }
            }
        } finally {
            watchdog.cancel(false);
        }
        close();
        if (timedOut.get()) {
            throw diagnostics.setupTimedOut(timeout);
        }
        throw startFailure("set up");
    }

    /**
     * Completes once the supervisor has ended, with the container's exit status. Completed by the JDK's
     * process reaper, so no thread of ours waits; attach work with an {@code ...Async} method.
     */
    public CompletableFuture<ExitStatus> onExit() {
        return launcher.onExit().thenApply(ended -> {
            drainReports();
            ExitStatus status = exit;
            return status != null ? status : ExitStatus.killed(SIGKILL, Instant.now());
        });
    }

    /** The "go" travelled with the spec ({@link Launcher#startReleased}): past the barrier already. */
    void releasedWithSpec() {
        synchronized (readLock) {
            if (phase == Phase.BARRIER || phase == Phase.SETUP) {
                phase = Phase.RELEASED;
            }
        }
    }

    /**
     * Lets the container's command run: the barrier's "go". Call once, after {@link Launcher#start} or
     * {@link Launcher#startCreated}; in the latter case the supervisor keeps the "go" until pid 1 is
     * ready, and {@link #awaitStarted()} reports a failed setup.
     */
    public void release() {
        synchronized (readLock) {
            if (phase == Phase.FAILED) {
                // the setup failed before the "go" (a --group-add the image lacks): the launcher said why
                throw startFailure("release");
            }
            if (phase != Phase.BARRIER && !(phase == Phase.SETUP && pid > 0)) {
                throw new IllegalStateException("container " + spec.stateDirectory() + " is not waiting at the barrier ("
                        + phase.name().toLowerCase(Locale.ROOT) + ")");
            }
            phase = Phase.RELEASED;
        }
        if (!commands.send("go")) {
            drainReports();
            throw startFailure("release");
        }
    }

    /**
     * Waits until the command runs (the launcher saw exec succeed).
     *
     * @throws ContainerStartException when exec failed, e.g. because the entrypoint is not in the image
     */
    public void awaitStarted() {
        AtomicBoolean timedOut = new AtomicBoolean();
        // released before pid 1 was ready: its setup (a mount that hangs) is waited for here
        var watchdog = ready ? null : Timers.after(SETUP_TIMEOUT, () -> {
            timedOut.set(true);
            launcher.destroyForcibly();
        });
        try {
            synchronized (readLock) {
                if (phase == Phase.SETUP || phase == Phase.BARRIER) {
                    throw new IllegalStateException("container " + spec.stateDirectory() + " was not released yet");
                }
                while (phase == Phase.RELEASED && !drained) {
                    readOne();
                }
                if (phase == Phase.STARTED) {
                    return;
                }
            }
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
        if (timedOut.get()) {
            close();
            throw diagnostics.setupTimedOut(SETUP_TIMEOUT);
        }
        throw startFailure("start");
    }

    /**
     * Writes to the standard input of pid 1 (a spec with {@link RuntimeSpec#openStdin()}), in order with other
     * writers; blocks while the supervisor holds as much as it may ({@link ContainerStdin}).
     *
     * @throws IOException when the container has ended, its stdin was closed, or the wait was interrupted
     */
    public void writeStdin(byte[] bytes, int offset, int length) throws IOException {
        stdin.write(bytes, offset, length);
    }

    /**
     * Pid 1's standard input as a stream ({@link #writeStdin}); unbuffered, so each write goes to the container as
     * it is. Closing it ends pid 1's stdin ({@link #closeStdin()}) when {@code closeEndsStdin}; otherwise it only
     * lets go.
     */
    public OutputStream stdin(boolean closeEndsStdin) {
        return stdin.stream(closeEndsStdin);
    }

    /**
     * Ends pid 1's standard input once what was written has reached it: it reads end of file. Idempotent;
     * nothing happens once the container has ended.
     */
    public void closeStdin() {
        stdin.close();
    }

    /** Sets the window size of pid 1's terminal (a spec with {@link RuntimeSpec#tty()}): its programs get SIGWINCH. */
    public void resize(int rows, int columns) {
        if (!spec.tty()) {
            throw new IllegalStateException("container " + spec.stateDirectory() + " was started without a tty");
        }
        if (exit == null) {
            commands.send("resize", Integer.toString(rows), Integer.toString(columns));
        }
    }

    /** Sends a signal to the container's pid 1 (through its supervisor, so never to a reused pid). */
    public void signal(int signal) {
        if (signal <= 0 || signal > 64) {
            throw new IllegalArgumentException("signal " + signal + " is not a Linux signal number");
        }
        if (exit == null) {
            commands.send("signal", Integer.toString(signal));
        }
    }

    /**
     * Waits up to {@code timeout} for the container to end.
     *
     * @return its exit status, or empty when it still runs
     */
    public Optional<ExitStatus> waitFor(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        // The supervisor reports the exit (logs complete, exit file written) and then ends; the end reaches
        // this JVM through the JDK's process reaper most of a millisecond later. A short command's report is
        // read as soon as it is there: looked for every 50 µs in the first 2 ms (Process.waitFor with a timeout
        // waits whole milliseconds at least); a longer run is waited for without polling, until the end.
        long polledUntil = System.nanoTime() + 2_000_000;
        try {
            for (;;) {
                if (exit != null) {
                    return Optional.of(exit);
                }
                readWaitingReports();
                if (exit != null) {
                    return Optional.of(exit);
                }
                long now = System.nanoTime();
                if (now >= deadline) {
                    return Optional.empty();
                }
                if (now >= polledUntil) {
                    if (!launcher.waitFor(deadline - now, TimeUnit.NANOSECONDS)) {
                        return Optional.empty();
                    }
                    break;
                }
                if (!launcher.isAlive()) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(50_000, deadline - now));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (IOException e) {
            // the report pipe broke: the process's end tells (and the exit file)
            try {
                if (!launcher.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return Optional.empty();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        drainReports();
        return Optional.of(exitOrExplain());
    }

    /**
     * Stops the container as Docker does: {@code signal}, then SIGKILL when it has not ended after {@code grace}.
     */
    public ExitStatus stop(int signal, Duration grace) {
        return stop(signal, grace, () -> { });
    }

    /** As {@link #stop(int, Duration)}; {@code beforeKill} runs when the grace ran out, before the SIGKILL. */
    public ExitStatus stop(int signal, Duration grace, Runnable beforeKill) {
        signal(signal);
        Optional<ExitStatus> status = waitFor(grace);
        if (status.isPresent()) {
            return status.get();
        }
        beforeKill.run();
        signal(SIGKILL);
        return waitFor(CLOSE_TIMEOUT).orElseThrow(() -> new ContainerEngineException("container " + spec.stateDirectory()
                + " (pid " + pid + ") did not end " + CLOSE_TIMEOUT.toSeconds() + " s after SIGKILL; "
                + "is it stuck in the kernel (uninterruptible I/O)?"));
    }

    /** Whether the container still runs. */
    public boolean isAlive() {
        return exit == null && launcher.isAlive();
    }

    /** The exit status, once known. */
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(exit);
    }

    /**
     * Makes the container outlive this JVM: the supervisor no longer kills it when the lifeline breaks. It then ends
     * only by itself or by a signal; its supervisor still records the exit. Call {@link #detach()} instead of {@link
     * #close()} to let go of it. With {@code shareStdin} pid 1's stdin stays open and any process may write it through
     * the FIFO {@code stdin} in the container's directory (docker's {@code run -dit}, then {@code attach}).
     * @return false when the supervisor is already gone
     */
    public boolean keepAfterOwner(boolean shareStdin) {
        return commands.send("keep") && (!shareStdin || commands.send("stdin-share"));
    }

    /**
     * Lets go of a container kept by {@link #keepAfterOwner()}: releases this JVM's pipes without
     * waiting for the container. Idempotent.
     */
    public void detach() {
        commands.close();
        synchronized (readLock) {
            closeQuietly(reportStream);
        }
    }

    /**
     * Cuts the lifeline: a running container is killed. Waits for the supervisor to report the end and
     * releases this JVM's pipes. Idempotent.
     */
    @Override
    public void close() {
        commands.close();
        try {
            if (!launcher.waitFor(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                // the supervisor is stuck: killing it makes the kernel kill the container (parent-death signal)
                launcher.destroyForcibly();
                launcher.waitFor(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (readLock) {
            while (!drained && !launcher.isAlive()) {
                readOne();
            }
            closeQuietly(reportStream);
        }
        if (!launcher.isAlive()) {
            // the launcher removes the groups it made (this covers a launcher that was killed); a group an update
            // made during the run is known only from the state file, and must go too or the next start meets it
            Cgroups.remove(cgroups);
            OrphanReaper.removeCgroups(spec.stateDirectory());
        }
    }

    /**
     * Reads the reports already waiting, up to the exit. Only complete reports wait (the supervisor writes each in
     * one write), so this never blocks.
     */
    private void readWaitingReports() throws IOException {
        synchronized (readLock) {
            while (exit == null && !drained && reportStream.available() > 0) {
                readOne();
            }
        }
    }

    /** Reads every report up to the end of the launcher's output. */
    private void drainReports() {
        synchronized (readLock) {
            while (!drained) {
                readOne();
            }
        }
    }

    // call with readLock held
    private void readOne() {
        Records.Record record;
        try {
            record = reports.next();
        } catch (IOException e) {
            record = null;
            diagnostics.log("cannot read the launcher's reports: " + e);
        }
        if (record == null) {
            drained = true;
            closeQuietly(reportStream);
            commands.close();
            if (exit == null) {
                exit = exitFromStateFile();
            }
            return;
        }
        switch (record.key()) {
            case "cloned" -> pid = Long.parseLong(record.field(0));
            case "ready" -> {
                pid = Long.parseLong(record.field(0));
                ready = true;
                if (phase == Phase.SETUP) {
                    phase = Phase.BARRIER;
                }
            }
            case "started" -> phase = Phase.STARTED;
            case "stdin-ack" -> stdin.acknowledge(Long.parseLong(record.field(0)));
            case "error" -> {
                phase = Phase.FAILED;
                failure = diagnostics.failure(record.field(0), Integer.parseInt(record.field(1)), record.field(2), record.field(3));
            }
            case "exit" -> exit = parseExit(record.field(0), Integer.parseInt(record.field(1)), Long.parseLong(record.field(2)))
                    .withOomKilled(record.fields().size() > 3 && record.field(3).equals("1"));
            default -> diagnostics.log("ignored an unknown report \"" + record.key() + "\"");
        }
    }

    private static ExitStatus parseExit(String kind, int value, long finishedAtMillis) {
        Instant at = Instant.ofEpochMilli(finishedAtMillis);
        return kind.equals("signal") ? ExitStatus.killed(value, at) : ExitStatus.exited(value, at);
    }

    private ExitStatus exitFromStateFile() {
        return OrphanReaper.recordedExit(spec.stateDirectory()).orElse(null);
    }

    private ExitStatus exitOrExplain() {
        ExitStatus status = exit;
        if (status != null) {
            return status;
        }
        throw new ContainerEngineException("the supervisor of container " + spec.stateDirectory() + " (pid "
                + launcher.pid() + ") ended with " + LauncherDiagnostics.describe(launcher.exitValue())
                + " without reporting how the container ended" + diagnostics.logTail());
    }

    private ContainerStartException startFailure(String action) {
        synchronized (readLock) {
            if (failure != null) {
                return failure;
            }
            String how = exit != null ? "its init " + exit : "the launcher ended with "
                    + (launcher.isAlive() ? "no report" : LauncherDiagnostics.describe(launcher.exitValue()));
            return diagnostics.unreported(action, how + " before reporting progress");
        }
    }

    /**
     * Why the launcher said the container could not be set up or started, once it has said so: after
     * {@link #close()}, every report it made has been read.
     */
    public Optional<ContainerStartException> reportedFailure() {
        synchronized (readLock) {
            return Optional.ofNullable(failure);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing a pipe to a process that is gone
        }
    }

    @Override
    public String toString() {
        return "container " + spec.stateDirectory().getFileName() + " (pid " + pid + ", " + (exit != null ? exit : "running") + ")";
    }
}
