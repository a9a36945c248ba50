package dev.stevedore.dsl.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
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
     * Once per JVM, on a daemon thread: loads the driver and lets it try a login against a listener of this JVM that
     * turns it away as a starting server would, so the classes of a connection are loaded and initialized while the
     * container starts. Without a driver, warms up the built-in client instead ({@link PgConnection#warmUp()}).
     */
    public static void warmUpInBackground() {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(JdbcLogin::warmUp, "stevedore-postgres-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void warmUp() {
        Driver driver;
        try {
            driver = DriverManager.getDriver("jdbc:postgresql://127.0.0.1/postgres");
        } catch (SQLException e) {
            PgConnection.warmUp();
            return;
        }
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(2000);
            Thread turnAway = new Thread(() -> turnAway(listener), "stevedore-postgres-warm-up-listener");
            turnAway.setDaemon(true);
            turnAway.start();
            try (Connection ignored = driver.connect("jdbc:postgresql://127.0.0.1:" + listener.getLocalPort() + "/warm-up",
                    properties("warm-up", "warm-up", Duration.ofSeconds(2)))) {
                // turned away before this
            } catch (SQLException expected) {
                // "the database system is starting up": what the warm-up asked for
            }
        } catch (IOException | RuntimeException e) {
            // nothing was at stake
        }
    }

    /** Answers one connection as PostgreSQL does while it starts: no TLS, then a FATAL error after the startup packet. */
    private static void turnAway(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(2000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            int length = in.readInt();
            int code = in.readInt();
            in.skipNBytes(length - 8L);
            if (code == 80877103 || code == 80877104) { // SSLRequest, GSSENCRequest: not offered
                out.write('N');
                out.flush();
                length = in.readInt();
                in.skipNBytes(length - 4L);
            }
            byte[] fields = ("SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0").getBytes(StandardCharsets.US_ASCII);
            out.write('E');
            out.write(new byte[] {(byte) ((fields.length + 4) >>> 24), (byte) ((fields.length + 4) >>> 16),
                    (byte) ((fields.length + 4) >>> 8), (byte) (fields.length + 4)});
            out.write(fields);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the driver gave up first: it loaded what it needed all the same
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
