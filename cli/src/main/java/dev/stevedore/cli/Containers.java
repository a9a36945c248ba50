package dev.stevedore.cli;

import dev.stevedore.docker.wire.DockerStatus;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.PortBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Containers for people, as Docker's listings show them: status ({@code Up 3 seconds},
 * {@code Exited (0) 2 minutes ago}), quoted and shortened commands, published ports; and the exit code
 * Docker gives a container that could not be started.
 */
final class Containers {
    /** How much of a command {@code ps} shows, ellipsis included. */
    static final int COMMAND_WIDTH = 20;
    /** Docker's exit code when the engine itself failed. */
    static final int ENGINE_FAILED = 125;
    /** Docker's exit code when the command could not be executed. */
    static final int CANNOT_EXECUTE = 126;
    /** Docker's exit code when the command was not found. */
    static final int NOT_FOUND = 127;
    /** How long one wait for an exit lasts before the next: bounds a single engine call, not the wait. */
    private static final Duration WAIT_SLICE = Duration.ofMinutes(1);

    private Containers() {
    }

    /** Waits, however long it takes, until {@code container} is no longer running; returns its state then. */
    static ContainerState awaitExit(ContainerEngine engine, String container) {
        ContainerState state = engine.waitContainer(container, WAIT_SLICE);
        while (state.running()) {
            state = engine.waitContainer(container, WAIT_SLICE);
        }
        return state;
    }

    /** {@code Up 3 seconds (healthy)}, {@code Exited (0) 2 minutes ago}, {@code Created}: docker's status text. */
    static String status(dev.stevedore.engine.ContainerInfo info, Instant now) {
        return status(info.state(), info.health() == null ? null : info.health().status().dockerName(), now);
    }

    /** The status text of a container without a health check. */
    static String status(ContainerState state, Instant now) {
        return status(state, null, now);
    }

    private static String status(ContainerState state, String health, Instant now) {
        return DockerStatus.of(statusName(state), state.exitCode(), state.startedAt(), state.finishedAt(), health, now);
    }

    /** The state's name as Docker's {@code State.Status} spells it: {@code running}, {@code exited}. */
    static String statusName(ContainerState state) {
        return state.status().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The command line in double quotes (escaped as a JSON string), shortened to {@link #COMMAND_WIDTH} characters unless
     * {@code full}; as dockerd lists it, an argument with a space in single quotes ({@code "sh -c 'exit 3'"}).
     */
    static String command(List<String> command, boolean full) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            joined.append(i > 0 ? " " : "").append(i > 0 && word.contains(" ") ? "'" + word + "'" : word);
        }
        String line = joined.toString();
        return Json.quoted(full ? line : ellipsis(line, COMMAND_WIDTH));
    }

    /** {@code text} cut to {@code width} characters, the last of them an ellipsis, when it is longer. */
    static String ellipsis(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    /** {@code 127.0.0.1:49153->80/tcp, 5432/tcp}: bound ports with their host address, unbound ones alone. */
    static String ports(List<PortBinding> ports) {
        return sorted(ports).stream()
                .map(port -> port.hostPort() == 0 ? port.key() : hostAddress(port) + "->" + port.key())
                .collect(Collectors.joining(", "));
    }

    /** {@code 127.0.0.1:49153}, or {@code [::1]:49153} for an IPv6 address. */
    static String hostAddress(PortBinding port) {
        String ip = port.hostIp().contains(":") ? "[" + port.hostIp() + "]" : port.hostIp();
        return ip + ":" + port.hostPort();
    }

    /** Ports in the order Docker lists them: by container port, then protocol. */
    static List<PortBinding> sorted(List<PortBinding> ports) {
        return ports.stream().sorted(Comparator.comparingInt(PortBinding::containerPort)
                .thenComparing(PortBinding::protocol).thenComparing(PortBinding::hostIp)).toList();
    }

    /**
     * Docker's exit code for a container whose process could not be started: 127 when the executable was
     * not found, 126 when it was found but could not be executed, 125 when the set-up before it failed.
     * The engine tells these apart only in its message, so the message (and its causes') decides.
     */
    static int startFailureExitCode(ContainerStartException failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(' ').append(String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT));
        }
        String messages = text.toString();
        if (messages.contains("executable file not found") || messages.contains("command not found")
                || messages.contains("exec") && messages.contains("no such file or directory")) {
            return NOT_FOUND;
        }
        if (messages.contains("exec") || messages.contains("permission denied")) {
            return CANNOT_EXECUTE;
        }
        return ENGINE_FAILED;
    }
}
