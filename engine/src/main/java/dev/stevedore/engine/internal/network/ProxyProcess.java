package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.Signals;
import dev.stevedore.engine.internal.runtime.Syscalls;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts and stops port proxy processes: the published ports of a container that outlives the JVM that
 * started it (one labelled {@code dev.stevedore.keep}) are served by the native launcher in its proxy mode
 * ({@code launcher proxy}, engine/src/main/c/proxy.c), which ends with the container.
 *
 * <p>The process binds every port before it answers, so {@link #start} returns with the ports bound, or fails
 * with the proxy's own message (a port in use names the port) and nothing left running; it takes about a
 * millisecond. It makes a session of its own ({@code setsid}: a terminal's Ctrl-C or hang-up does not reach
 * it), watches the container's first process through a pidfd and its record directory through inotify, and
 * exits when either is gone; {@link #stop} kills it. Its stderr goes to {@value #LOG} in the record directory.
 */
final class ProxyProcess {
    /** A loaded machine can be slow to spawn; the proxy itself answers within a millisecond. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final String LOG = "proxy.log";

    /** One published port: the protocol ({@code tcp} or {@code udp}), where to listen, where to relay to. */
    record Forward(String protocol, String hostIp, int hostPort, String targetIp, int targetPort) {
    }

    /**
     * A proxy process that has bound its ports: its identity, the host ports in the order asked, and its end
     * as this JVM (its parent) learns it at once.
     */
    record Started(ProcessIdentity process, List<Integer> ports, CompletableFuture<?> ended) {
    }

    /** The container's first process was gone before the proxy could watch it. */
    static final class ContainerEndedException extends IOException {
        ContainerEndedException(String message) {
            super(message);
        }
    }

    private ProxyProcess() {
    }

    /**
     * Starts a proxy process ({@code launcher}, the extracted launcher binary) that serves {@code forwards} while
     * {@code container} (the container's first process) runs and {@code directory} (its network record
     * directory, which also takes the proxy's log) exists, and waits until it has bound every port.
     *
     * @throws ContainerEndedException when the container's process is gone already
     * @throws IOException             when a port cannot be bound (the message says which) or the process
     *                                 does not start; nothing is left running then
     */
    static Started start(Path launcher, Path directory, ProcessIdentity container, List<Forward> forwards) throws IOException {
        return start(launcher, directory, container, forwards, null);
    }

    /** As {@link #start(Path, Path, ProcessIdentity, List)}, closing udp flows idle for {@code udpIdle} (whole seconds; null: 90 s). */
    static Started start(Path launcher, Path directory, ProcessIdentity container, List<Forward> forwards, Duration udpIdle)
            throws IOException {
        return start(launcher, directory, container, forwards, udpIdle, 0);
    }

    /**
     * As {@link #start(Path, Path, ProcessIdentity, List, Duration)}; with {@code namespacePid} not 0, the proxy
     * binds its ports on the host, then joins that process's network namespace (and its user namespace when it is
     * not the proxy's own), so that it connects to the targets inside it: the targets are addresses there.
     */
    static Started start(Path launcher, Path directory, ProcessIdentity container, List<Forward> forwards, Duration udpIdle,
                         long namespacePid) throws IOException {
        List<String> options = new ArrayList<>();
        if (udpIdle != null) {
            options.addAll(List.of("-i", Long.toString(Math.max(1, udpIdle.toSeconds()))));
        }
        if (namespacePid != 0) {
            options.addAll(List.of("-n", Long.toString(namespacePid)));
        }
        return startWith(launcher, directory, container, forwards, options);
    }

    /**
     * The reverse relay of host services: as {@link #start(Path, Path, ProcessIdentity, List)}, but every
     * {@code hostIp:hostPort} of {@code forwards} is an address where the proxy listens inside the network namespace
     * of {@code container} (the proxy makes those sockets there, see hostrelay.c), while it stays in its own and
     * connects to the targets from there: the host's loopback.
     */
    static Started startListeningInside(Path launcher, Path directory, ProcessIdentity container, List<Forward> forwards)
            throws IOException {
        return startWith(launcher, directory, container, forwards, List.of("-L", Long.toString(container.pid())));
    }

    private static Started startWith(Path launcher, Path directory, ProcessIdentity container, List<Forward> forwards,
                                     List<String> options) throws IOException {
        List<String> command = command(launcher, directory, container, forwards);
        command.addAll(2, options);
        Files.createDirectories(directory);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve(LOG).toFile()));
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> report = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                report.complete(in.readLine());
            } catch (IOException | RuntimeException e) {
                report.completeExceptionally(e);
            }
        }, "stevedore-proxy-start");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = report.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the port proxy process did not report within " + READY_TIMEOUT.toSeconds() + " s; see "
                    + directory.resolve(LOG), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the port proxy process started", e);
        } catch (ExecutionException e) {
            process.destroyForcibly();
            throw new IOException("reading the port proxy process's report failed: " + e.getCause().getMessage(), e.getCause());
        }
        if (line != null && line.startsWith("ready ")) {
            String[] parts = line.split(" ");
            List<Integer> ports = new ArrayList<>();
            for (int i = 3; i < parts.length; i++) {
                ports.add(Integer.parseInt(parts[i]));
            }
            if (ports.size() == forwards.size()) {
                return new Started(new ProcessIdentity(Long.parseLong(parts[1]), Long.parseLong(parts[2])), ports,
                        process.onExit());
            }
        }
        process.destroyForcibly();
        if ("ended".equals(line)) {
            throw new ContainerEndedException("process " + container.pid() + " of the container ended before its ports were published");
        }
        if (line != null && line.startsWith("failed ")) {
            throw new IOException(line.substring("failed ".length()));
        }
        throw new IOException("the port proxy process " + launcher + " proxy ... ended without binding its ports (it said: "
                + line + "); see " + directory.resolve(LOG));
    }

    /** Ends a proxy process (SIGKILL: it keeps no state) and waits until it is gone, its ports with it. */
    static void stop(ProcessIdentity proxy) throws IOException {
        if (!Syscalls.signal(proxy, Signals.SIGKILL)) {
            return;
        }
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        long pause = 200_000;
        while (!proxy.hasEnded()) { // its listening sockets are closed only when its last thread is gone
            if (System.nanoTime() > deadline) {
                throw new IOException("the port proxy process " + proxy.pid() + " did not end " + KILL_WAIT.toSeconds()
                        + " s after SIGKILL");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 20_000_000);
        }
    }

    /** The command line: {@code launcher proxy DIR PID START (PROTO HOST-ADDR HOST-PORT TARGET-ADDR TARGET-PORT)...}. */
    static List<String> command(Path launcher, Path directory, ProcessIdentity container, List<Forward> forwards) {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "proxy", directory.toString(),
                Long.toString(container.pid()), Long.toString(container.startTime())));
        for (Forward f : forwards) {
            command.addAll(List.of(f.protocol(), f.hostIp(), Integer.toString(f.hostPort()), f.targetIp(),
                    Integer.toString(f.targetPort())));
        }
        return command;
    }
}
