package dev.stevedore.dsl;

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
        Thread warmUp = new Thread(PgConnection::warmUp, "stevedore-postgres-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        AtomicInteger readyLines = new AtomicInteger();
        AtomicBoolean skipped = new AtomicBoolean();
        try (LogFollower follower = LogFollower.start(container.engine(), container.id(), container.name(), line -> {
            if (READY.matcher(line.text()).find()) {
                readyLines.incrementAndGet();
            } else if (SKIPPED.matcher(line.text()).find()) {
                skipped.set(true);
            }
        })) {
            java.time.Instant deadline = java.time.Instant.now().plus(timeout);
            Waiting.until(container, timeout, description(), Waiting.Pace.WATCH, observed -> {
                int needed = skipped.get() ? 1 : 2;
                int seen = readyLines.get();
                observed.set("the ready line was logged " + seen + " of " + needed + " times");
                return seen >= needed;
            });
            Duration remaining = Duration.between(java.time.Instant.now(), deadline);
            Waiting.until(container, remaining.isNegative() ? Duration.ZERO : remaining, description(), observed -> {
                try (PgConnection connection = PgConnection.open(container.host(), container.port(Postgres.PORT), username,
                        password, database, LOGIN_LIMIT)) {
                    List<List<String>> rows = connection.query("SELECT 1");
                    boolean answered = rows.size() == 1 && "1".equals(rows.get(0).get(0));
                    observed.set(answered ? "answered" : "SELECT 1 returned " + rows);
                    return answered;
                } catch (java.io.IOException e) {
                    observed.set("the ready line was logged; login as \"" + username + "\" to \"" + database
                            + "\" failed: " + e.getMessage());
                    return false;
                }
            });
        }
    }

    @Override
    public String description() {
        return "PostgreSQL to log \"database system is ready to accept connections\" twice (once when initialization was "
                + "skipped), then a login from the host as \"" + username + "\" to database \"" + database
                + "\" to answer SELECT 1";
    }
}
