package dev.stevedore.postgres.internal;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.WaitStrategy;
import dev.stevedore.dsl.Waiting;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * PostgreSQL's readiness: the server logs that it is ready twice (the entrypoint's initialization server, then the
 * real one; once when an existing database skipped initialization), and then a login from the host through the JDBC
 * driver, over the published port, answers {@code SELECT 1}. The log lines alone are not enough: a VM-backed port
 * proxy or a slow listener can still refuse the first connection, which is the race this closes. The login is what
 * the test does next, so it also leaves the driver loaded and warm (see {@link PgJdbc#warmUpInBackground}).
 *
 * <p>Not public API: made by {@code PostgresConfig}.
 */
public final class PostgresReadyWait implements WaitStrategy {
    /** The port PostgreSQL listens on inside the container. */
    private static final int PORT = 5432;
    private static final Pattern READY = Pattern.compile("database system is ready to accept connections");
    private static final Pattern SKIPPED = Pattern.compile("(?i)skipping initialization|initialization skipped");
    private static final Duration LOGIN_LIMIT = Duration.ofSeconds(2);

    private final String username;
    private final String password;
    private final String database;

    public PostgresReadyWait(String username, String password, String database) {
        this.username = username;
        this.password = password;
        this.database = database;
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        PgJdbc.warmUpInBackground();
        Instant deadline = Instant.now().plus(timeout);
        AtomicInteger readyLines = new AtomicInteger();
        AtomicBoolean skipped = new AtomicBoolean();
        Waiting.Signal logged = new Waiting.Signal();
        AutoCloseable follower = container.followLogs(line -> {
            if (READY.matcher(line.text()).find()) {
                readyLines.incrementAndGet();
                logged.fire();
            } else if (SKIPPED.matcher(line.text()).find()) {
                skipped.set(true);
                logged.fire();
            }
        });
        try {
            Waiting.untilSignalled(container, timeout, description(), logged, observed -> {
                int needed = skipped.get() ? 1 : 2;
                int seen = readyLines.get();
                observed.set("the ready line was logged " + seen + " of " + needed + " times");
                return seen >= needed;
            });
        } finally {
            try {
                follower.close();
            } catch (Exception e) {
                // the follower ends with the container anyway
            }
        }
        Duration remaining = Duration.between(Instant.now(), deadline);
        Waiting.until(container, remaining.isNegative() ? Duration.ZERO : remaining, description(), observed -> {
            try (Connection connection = PgJdbc.connect(container.host(), container.port(PORT), username, password, database,
                    LOGIN_LIMIT)) {
                boolean answered = PgJdbc.query(connection, "SELECT 1").equals(List.of(List.of("1")));
                observed.set(answered ? "answered" : "SELECT 1 did not return 1");
                return answered;
            } catch (SQLException e) {
                observed.set("the ready line was logged; login as \"" + username + "\" to \"" + database + "\" failed: "
                        + PgJdbc.describe(e));
                return false;
            }
        });
    }

    @Override
    public String description() {
        return "PostgreSQL to log \"database system is ready to accept connections\" twice (once when initialization was "
                + "skipped), then a login from the host as \"" + username + "\" to database \"" + database
                + "\" to answer SELECT 1";
    }
}
