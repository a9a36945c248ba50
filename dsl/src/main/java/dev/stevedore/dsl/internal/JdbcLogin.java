package dev.stevedore.dsl.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A login through the JDBC driver on the class path ({@code jdbc:postgresql:}, i.e. pgjdbc), when there is one: the
 * readiness check then proves what the test will do next, and leaves the driver loaded, so the test's own first
 * connection does not pay for it.
 *
 * <p>Not public API: used by {@code dev.stevedore.dsl} only.
 */
public final class JdbcLogin {
    private static final AtomicBoolean WARMING = new AtomicBoolean();

    private JdbcLogin() {
    }

    /** Whether a JDBC driver for {@code jdbc:postgresql:} URLs is on the class path. */
    public static boolean available() {
        try {
            DriverManager.getDriver("jdbc:postgresql://127.0.0.1/postgres");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Logs in and runs {@code SELECT 1}; true when it answered 1.
     *
     * @throws SQLException when the login or the query failed
     */
    public static boolean selectOne(String host, int port, String user, String password, String database, Duration limit)
            throws SQLException {
        String url = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
        try (Connection connection = DriverManager.getConnection(url, properties(user, password, limit));
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1")) {
            return rows.next() && rows.getInt(1) == 1;
        }
    }

    /**
     * Once per JVM, on a daemon thread: loads the driver and lets it log in and run {@code SELECT 1} against a
     * stand-in server of this JVM ({@link PgWarmUpServer}), so the classes of a login and a query are loaded and
     * initialized while the container starts. Without a driver, warms up the built-in client instead
     * ({@link PgConnection#warmUp()}).
     */
    public static void warmUpInBackground() {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(JdbcLogin::warmUp, "stevedore-postgres-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** The warm-up itself; true when the driver logged in and got its answer. */
    static boolean warmUp() {
        if (!available()) {
            PgConnection.warmUp();
            return false;
        }
        try (PgWarmUpServer server = PgWarmUpServer.start("warm-up")) {
            return selectOne("127.0.0.1", server.port(), "warm-up", "warm-up", "warm-up", Duration.ofSeconds(5));
        } catch (IOException | SQLException | RuntimeException e) {
            return false; // nothing was at stake
        }
    }

    private static Properties properties(String user, String password, Duration limit) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        String seconds = Long.toString(Math.max(1, limit.toSeconds()));
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        return properties;
    }
}
