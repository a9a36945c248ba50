package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.Signals;
import dev.stevedore.engine.internal.runtime.Syscalls;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Starts and stops port proxy processes ({@link PortProxyMain}): the published ports of a container that
 * outlives the JVM that started it (one labelled {@code dev.stevedore.keep}) are served by a process of
 * their own, which runs this JVM's {@link PortProxy} code and ends with the container.
 *
 * <p>The process is {@code java} of this JVM's installation with only the engine's classes and SLF4J's
 * API on its class path (where this JVM loaded them from: the CLI's jar, or a build's directories), in a
 * session of its own ({@code setsid}, so a terminal's Ctrl-C or hang-up does not reach it), with a small
 * serial-GC heap. {@link #start} returns once it has bound every port, about 100-200 ms after it was
 * spawned, most of it the JVM's own start.
 */
final class ProxyProcess {
    /** A JVM on a loaded machine can take seconds to start; ten times the usual is still an answer. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final String LOG = "proxy.log";
    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

    /** One published port: where to listen, where to relay to. */
    record Forward(String hostIp, int hostPort, String targetIp, int targetPort) {
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
     * Starts a proxy process that serves {@code forwards} while {@code container} (the container's first
     * process) runs and {@code directory} (its network record directory, which also takes the proxy's
     * log) exists, and waits until it has bound every port.
     *
     * @throws ContainerEndedException when the container's process is gone already
     * @throws IOException             when a port cannot be bound (the message says which) or the process
     *                                 does not start; nothing is left running then
     */
    static Started start(Path directory, ProcessIdentity container, List<Forward> forwards) throws IOException {
        List<String> command = command(directory, container, forwards);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve(LOG).toFile()));
        Map<String, String> env = builder.environment();
        // A user's JVM options (an agent, a large heap) are for their programs, not this small relay.
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.remove("CLASSPATH");
        Files.createDirectories(directory);
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
        throw new IOException("the port proxy process " + String.join(" ", command.subList(0, Math.min(3, command.size())))
                + " ... ended without binding its ports (it said: " + line + "); see " + directory.resolve(LOG));
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

    /** The command line: {@code [setsid] java <options> -cp <engine + SLF4J API> PortProxyMain <arguments>}. */
    static List<String> command(Path directory, ProcessIdentity container, List<Forward> forwards) throws IOException {
        List<String> command = new ArrayList<>();
        SETSID.stream().filter(s -> Files.isExecutable(Path.of(s))).findFirst().ifPresent(command::add);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(
                // a small heap, one GC thread, and C1 only: a quarter less start time; the relay's time is in system calls
                "-XX:+UseSerialGC", "-Xms4m", "-Xmx48m", "-XX:-UsePerfData", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                // each connection takes two 128 KiB direct buffers; the default limit (the heap's size) would cap connections
                "-XX:MaxDirectMemorySize=512m",
                "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN",
                "-cp", classPath(),
                PortProxyMain.class.getName(),
                directory.toString(), Long.toString(container.pid()), Long.toString(container.startTime())));
        for (Forward f : forwards) {
            command.addAll(List.of(f.hostIp(), Integer.toString(f.hostPort()), f.targetIp(), Integer.toString(f.targetPort())));
        }
        return command;
    }

    /** Where this JVM loaded the engine's and SLF4J's classes from: all the proxy process needs. */
    static String classPath() throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(PortProxyMain.class, LoggerFactory.class)) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                throw new IOException("cannot tell where " + c.getName() + " was loaded from, so the port proxy process"
                        + " cannot load it; run the engine from jars or class directories");
            }
            try {
                entries.add(Path.of(source.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IOException("the location " + source.getLocation() + " of " + c.getName()
                        + " is not a file, so the port proxy process cannot load it; run the engine from jars or class"
                        + " directories", e);
            }
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
