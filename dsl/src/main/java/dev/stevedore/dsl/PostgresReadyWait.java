package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.JdbcLogin;
import dev.stevedore.dsl.internal.PgConnection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * PostgreSQL's readiness: the server logs that it is ready twice (the entrypoint's initialization server, then the
 * real one; once when an existing database skipped initialization), and then a login from the host, over the
 * published port, answers {@code SELECT 1}. The log lines alone are not enough: a VM-backed port proxy or a slow
 * listener can still refuse the first connection, which is the race this closes.
 *
 * <p>The login goes through the JDBC driver when one is on the class path (what the test will use next, now loaded
 * and warm), else through the built-in client. The driver is warmed up on a thread of its own while the container
 * starts.
 */
final class PostgresReadyWait implements WaitStrategy {
    private static final Pattern READY = Pattern.compile("database system is ready to accept connections");
    private static final Pattern SKIPPED = Pattern.compile("(?i)skipping initialization|initialization skipped");
    private static final Duration LOGIN_LIMIT = Duration.ofSeconds(2);

    private final String username;
    private final String password;
    private final String database;
    private final Duration timeout;

    PostgresReadyWait(String username, String password, String database, Duration timeout) {
        this.username = username;
        this.password = password;
        this.database = database;
        this.timeout = timeout;
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        JdbcLogin.warmUpInBackground();
        AtomicInteger readyLines = new AtomicInteger();
        AtomicBoolean skipped = new AtomicBoolean();
        Waiting.Signal logged = new Waiting.Signal();
        try (LogFollower follower = LogFollower.start(container.engine(), container.id(), container.name(), line -> {
            if (READY.matcher(line.text()).find()) {
                readyLines.incrementAndGet();
                logged.fire();
            } else if (SKIPPED.matcher(line.text()).find()) {
                skipped.set(true);
                logged.fire();
            }
        })) {
            java.time.Instant deadline = java.time.Instant.now().plus(timeout);
            Waiting.untilSignalled(container, timeout, description(), logged, observed -> {
                int needed = skipped.get() ? 1 : 2;
                int seen = readyLines.get();
                observed.set("the ready line was logged " + seen + " of " + needed + " times");
                return seen >= needed;
            });
            Duration remaining = Duration.between(java.time.Instant.now(), deadline);
            boolean jdbc = JdbcLogin.available();
            Waiting.until(container, remaining.isNegative() ? Duration.ZERO : remaining, description(), observed -> {
                try {
                    boolean answered = jdbc
                            ? JdbcLogin.selectOne(container.host(), container.port(Postgres.PORT), username, password, database, LOGIN_LIMIT)
                            : selectOne(container);
                    observed.set(answered ? "answered" : "SELECT 1 did not return 1");
                    return answered;
                } catch (java.io.IOException | java.sql.SQLException e) {
                    observed.set("the ready line was logged; login as \"" + username + "\" to \"" + database
                            + "\" failed: " + e.getMessage());
                    return false;
                }
            });
        }
    }

    private boolean selectOne(ContainerHandle container) throws java.io.IOException {
        try (PgConnection connection = PgConnection.open(container.host(), container.port(Postgres.PORT), username,
                password, database, LOGIN_LIMIT)) {
            List<List<String>> rows = connection.query("SELECT 1");
            return rows.size() == 1 && "1".equals(rows.get(0).get(0));
        }
    }

    @Override
    public String description() {
        return "PostgreSQL to log \"database system is ready to accept connections\" twice (once when initialization was "
                + "skipped), then a login from the host as \"" + username + "\" to database \"" + database
                + "\" to answer SELECT 1";
    }
}
