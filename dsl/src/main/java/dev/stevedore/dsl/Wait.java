package dev.stevedore.dsl;

/**
 * The wait strategies: entry points to immutable chains ({@code Wait.http("/health").port(8080).status(200)}).
 * Every strategy has a {@code timeout(Duration)}; without one it gets the container's startup timeout. A
 * timeout fails with the container's last 50 log lines and what was waited for.
 */
public final class Wait {

    private Wait() {
    }

    /** Ready as soon as the engine started it. */
    public static WaitStrategy running() {
        return RunningWait.INSTANCE;
    }

    /**
     * Ready once a log line (stdout or stderr) contains a match of {@code regex} (found anywhere in the line);
     * {@code .times(n)} for the n-th such line.
     */
    public static LogMessageWait logMessage(String regex) {
        return new LogMessageWait(regex, 1, null);
    }

    /**
     * Ready once every one of {@code containerPorts} (TCP, published with {@code expose}) listens inside the container
     * and accepts connections from the host.
     */
    public static PortWait port(int... containerPorts) {
        return new PortWait(containerPorts, false, null);
    }

    /**
     * Ready once {@code GET path} over plain HTTP answers a 2xx status; configure port, status, body and TLS on
     * the result.
     */
    public static HttpWait http(String path) {
        return new HttpWait(path);
    }

    /** Ready once {@code command} run inside the container exits with 0. */
    public static CommandWait command(String... command) {
        return new CommandWait(command, null);
    }

    /**
     * Ready once the engine finds the container healthy: its health check (given with
     * {@code engineSpec(s -> s.healthCheck(...))}, else its image's {@code HEALTHCHECK}), run by the engine at its
     * interval; an unhealthy or ended container fails the wait at once.
     */
    public static HealthCheckWait healthCheck() {
        return new HealthCheckWait(null);
    }

    /** Ready once each of {@code strategies} is, checked in order, within one overall timeout. */
    public static AllOfWait allOf(WaitStrategy... strategies) {
        return new AllOfWait(java.util.List.of(strategies), null);
    }
}
