package dev.stevedore.postgres.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.Driver;
import org.postgresql.core.Parser;
import org.postgresql.shaded.com.ongres.scram.client.ScramClient;
import org.postgresql.shaded.com.ongres.scram.common.exception.ScramException;

/**
 * The module's way to PostgreSQL: logins and statements through the JDBC driver (pgjdbc), and its warm-up.
 *
 * <p>The warm-up is honest work done early, on a daemon thread while the container starts: it initializes
 * {@link DriverManager} (which loads every driver of the class path), then loads and initializes the classes a first
 * login and query need: pgjdbc's connection factory, protocol and SCRAM classes and the JDK's socket and crypto
 * classes beneath them. Their names are in {@code login-classes.txt} beside this class, recorded with
 * {@code -verbose:class} from a real login and {@code SELECT 1} (names a driver version lacks are skipped). Then it
 * runs the client's side of a login on throwaway values (see {@link #runClientSide}): the SCRAM-SHA-256 computing
 * (PostgreSQL's default password authentication) looks up and seeds the crypto providers and leaves the 4096 HMAC rounds
 * compiled. Nothing is connected to: the first real login then costs its network round trips and little else.
 *
 * <p>Not public API: used by {@code dev.stevedore.postgres} only.
 */
public final class PgJdbc {
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    private static final String URL_PREFIX = "jdbc:postgresql://";
    /** PostgreSQL's default {@code scram_iterations}. */
    private static final int SCRAM_ITERATIONS = 4096;

    private PgJdbc() {
    }

    /** {@code jdbc:postgresql://host:port/database}, with an IPv6 host in brackets. */
    public static String url(String host, int port, String database) {
        return URL_PREFIX + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    /**
     * A connection (auto-commit) to {@code database}, each of connecting, logging in and a statement's answer limited to
     * {@code limit} (at least a second: the driver counts in seconds).
     */
    public static Connection connect(String host, int port, String user, String password, String database, Duration limit)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        String seconds = Long.toString(Math.max(1, limit.toSeconds()));
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("ApplicationName", "stevedore");
        return DriverManager.getConnection(url(host, port, database), properties);
    }

    /**
     * Runs {@code sql} (one statement or several separated by semicolons) and returns the rows of the last one, each
     * value as text ({@code null} for NULL); no rows for a statement that returns none.
     */
    public static List<List<String>> query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            List<List<String>> last = List.of();
            boolean rows = statement.execute(sql);
            while (rows || statement.getUpdateCount() != -1) {
                if (rows) {
                    try (ResultSet result = statement.getResultSet()) {
                        last = rows(result);
                    }
                } else {
                    last = List.of();
                }
                rows = statement.getMoreResults();
            }
            return last;
        }
    }

    private static List<List<String>> rows(ResultSet result) throws SQLException {
        int columns = result.getMetaData().getColumnCount();
        List<List<String>> rows = new ArrayList<>();
        while (result.next()) {
            List<String> row = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                row.add(result.getString(i));
            }
            rows.add(Collections.unmodifiableList(row));
        }
        return Collections.unmodifiableList(rows);
    }

    /** PostgreSQL's message with its SQLSTATE: {@code ERROR: relation "x" does not exist (SQLSTATE 42P01)}. */
    public static String describe(SQLException e) {
        String message = String.valueOf(e.getMessage()).replace('\n', ' ').replaceAll(" {2,}", " ");
        return e.getSQLState() == null ? message : message + " (SQLSTATE " + e.getSQLState() + ")";
    }

    /** Whether {@code e} says the connection is gone (SQLSTATE class 08), so a fresh one may succeed. */
    public static boolean connectionLost(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    /** Once per JVM: starts the warm-up (see the class's Javadoc) on a daemon thread. */
    public static void warmUpInBackground() {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(PgJdbc::warmUp, "stevedore-pgjdbc-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** The warm-up itself; the number of classes it initialized. */
    static int warmUp() {
        int loaded = 0;
        try {
            DriverManager.getDriver(URL_PREFIX + "127.0.0.1/postgres");
        } catch (SQLException e) {
            return 0; // no driver: the first login will say so
        }
        ClassLoader loader = PgJdbc.class.getClassLoader();
        for (String name : loginClasses()) {
            try {
                Class.forName(name, true, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // another driver version: its first login loads what it needs itself
            }
        }
        try {
            runClientSide();
        } catch (SQLException | ScramException | RuntimeException | LinkageError e) {
            // another driver version: its first login does this work itself
        }
        return loaded;
    }

    /**
     * The client's half of a login and a query, on throwaway values and without a server: the URL parsed, a SCRAM-SHA-256
     * exchange computed by the driver's SCRAM client (client-first, then the proof for a server-first message made up
     * here, with PostgreSQL's 4096 iterations) and {@code SELECT 1} parsed as the driver parses every statement.
     */
    private static void runClientSide() throws SQLException, ScramException {
        Driver.parseURL(URL_PREFIX + "127.0.0.1:5432/postgres", new Properties());
        ScramClient scram = ScramClient.builder().advertisedMechanisms(List.of("SCRAM-SHA-256")).username("*")
                .password("warm-up".toCharArray()).build();
        String clientFirst = scram.clientFirstMessage().toString();
        String nonce = clientFirst.substring(clientFirst.indexOf("r=") + 2);
        String salt = Base64.getEncoder().encodeToString("stevedore-warmup".getBytes(StandardCharsets.US_ASCII));
        scram.serverFirstMessage("r=" + nonce + "server,s=" + salt + ",i=" + SCRAM_ITERATIONS);
        scram.clientFinalMessage();
        Parser.parseJdbcSql("SELECT 1", true, true, true, false, true);
    }

    static List<String> loginClasses() {
        List<String> names = new ArrayList<>();
        try (InputStream in = PgJdbc.class.getResourceAsStream("login-classes.txt")) {
            if (in == null) {
                return names;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            // a resource of our own jar: unreadable means no warm-up, nothing worse
        }
        return names;
    }
}
