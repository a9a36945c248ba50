package dev.stevedore.postgres.internal;

import dev.stevedore.engine.ContainerEngineException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of a PostgreSQL database as template databases, and restores that take milliseconds: for every
 * snapshot a spare copy is kept ready, and a restore only renames the database away and the spare into its place;
 * dropping the old database and copying the next spare happen afterwards, in the background.
 *
 * <p>Snapshots, restores and the copying of spares run on one worker thread, in order, over one connection to a
 * maintenance database (PostgreSQL cannot copy, rename or drop the database a session is connected to), so a spare is
 * always ready before the next restore uses it. Dropping what a restore replaced runs on a second thread with its own
 * connection: nothing waits for it. The connections are JDBC ones, in auto-commit mode (PostgreSQL runs
 * {@code CREATE DATABASE} outside transactions only).
 *
 * <p>Not public API: used by {@code PostgresContainer}.
 */
public final class PostgresSnapshots implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,40}");
    private static final long DISCONNECT_WAIT_NANOS = 5_000_000_000L;

    /** Opens a connection to a database of the server. */
    @FunctionalInterface
    public interface Connector {
        Connection open(String database) throws SQLException;
    }

    @FunctionalInterface
    private interface Work {
        void run(Connection connection) throws SQLException;
    }

    private final Connector connector;
    private final String database;
    private final String owner;
    private final ExecutorService worker;
    private final ExecutorService cleaner;
    private Connection admin;
    private Connection cleanerConnection;

    public PostgresSnapshots(Connector connector, String database, String owner) {
        this.connector = connector;
        this.database = database;
        this.owner = owner;
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "stevedore-postgres-snapshots"));
        this.cleaner = Executors.newSingleThreadExecutor(r -> daemon(r, "stevedore-postgres-cleaner"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Saves the database as snapshot {@code name}, replacing an older one of that name. */
    public void snapshot(String name) {
        String snapshot = snapshotDatabase(name);
        await("snapshot \"" + name + "\"", connection -> {
            dropIfExists(connection, spare(snapshot));
            if (exists(connection, snapshot)) {
                PgJdbc.query(connection, "ALTER DATABASE " + ident(snapshot) + " WITH ALLOW_CONNECTIONS true IS_TEMPLATE false");
                dropIfExists(connection, snapshot);
            }
            disconnectOthers(connection, database);
            PgJdbc.query(connection, "CREATE DATABASE " + ident(snapshot) + " TEMPLATE " + ident(database));
            // nobody may connect to it, so copying from it can never be blocked
            PgJdbc.query(connection, "ALTER DATABASE " + ident(snapshot) + " WITH ALLOW_CONNECTIONS false IS_TEMPLATE true");
        });
        inBackground("preparing the spare of snapshot \"" + name + "\"", connection ->
                PgJdbc.query(connection, "CREATE DATABASE " + ident(spare(snapshot)) + " TEMPLATE " + ident(snapshot)));
    }

    /** Puts the database back into the state of snapshot {@code name}. */
    public void restore(String name) {
        String snapshot = snapshotDatabase(name);
        String trash = "stevedore_trash_" + UUID.randomUUID().toString().substring(0, 8);
        boolean[] renamed = new boolean[1];
        await("restore of snapshot \"" + name + "\"", connection -> {
            if (!exists(connection, snapshot)) {
                throw new IllegalStateException("database \"" + database + "\" of " + owner + " has no snapshot \"" + name
                        + "\"; take one with snapshot(\"" + name + "\") first");
            }
            if (!exists(connection, spare(snapshot))) {
                PgJdbc.query(connection, "CREATE DATABASE " + ident(spare(snapshot)) + " TEMPLATE " + ident(snapshot));
            }
            if (exists(connection, database)) {
                renameAway(connection, trash);
                renamed[0] = true;
            }
            PgJdbc.query(connection, "ALTER DATABASE " + ident(spare(snapshot)) + " RENAME TO " + ident(database));
        });
        inBackground("preparing the next spare of snapshot \"" + name + "\"", connection ->
                PgJdbc.query(connection, "CREATE DATABASE " + ident(spare(snapshot)) + " TEMPLATE " + ident(snapshot)));
        if (renamed[0]) {
            cleaner.execute(() -> {
                try {
                    if (cleanerConnection == null) {
                        cleanerConnection = connector.open(maintenanceDatabase());
                    }
                    dropIfExists(cleanerConnection, trash);
                } catch (SQLException | RuntimeException e) {
                    LoggerFactory.getLogger(PostgresSnapshots.class).debug("dropping {} in {} failed: {}", trash, owner, e.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        cleaner.shutdownNow();
        for (Connection connection : new Connection[] {admin, cleanerConnection}) {
            closeQuietly(connection);
        }
    }

    /** Renames the database away; sessions that reconnect between the disconnect and the rename are disconnected again. */
    private void renameAway(Connection connection, String trash) throws SQLException {
        long deadline = System.nanoTime() + DISCONNECT_WAIT_NANOS;
        while (true) {
            disconnectOthers(connection, database);
            try {
                PgJdbc.query(connection, "ALTER DATABASE " + ident(database) + " RENAME TO " + ident(trash));
                return;
            } catch (SQLException e) {
                // 55006: still being accessed (a terminated backend takes a moment to go)
                if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    private void await(String what, Work work) {
        Future<?> done = worker.submit(() -> {
            run(what, work);
            return null;
        });
        try {
            done.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new ContainerEngineException(what + " of database \"" + database + "\" in " + owner + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }

    private void inBackground(String what, Work work) {
        worker.execute(() -> {
            try {
                run(what, work);
            } catch (RuntimeException e) {
                // the next restore makes what is missing itself
                LoggerFactory.getLogger(PostgresSnapshots.class).debug("{} of {} failed: {}", what, owner, e.toString());
            }
        });
    }

    /** Runs on the worker thread; a broken connection gets one more try on a fresh one. */
    private void run(String what, Work work) {
        try {
            work.run(admin());
        } catch (SQLException e) {
            if (!PgJdbc.connectionLost(e)) {
                throw failed(what, e);
            }
            closeAdmin();
            try {
                work.run(admin());
            } catch (SQLException again) {
                again.addSuppressed(e);
                throw failed(what, again);
            }
        }
    }

    private ContainerEngineException failed(String what, SQLException e) {
        return new ContainerEngineException(what + " of database \"" + database + "\" in " + owner + " failed: "
                + PgJdbc.describe(e), e);
    }

    private Connection admin() throws SQLException {
        if (admin == null) {
            admin = connector.open(maintenanceDatabase());
        }
        return admin;
    }

    private String maintenanceDatabase() {
        return database.equals("postgres") ? "template1" : "postgres";
    }

    private void closeAdmin() {
        closeQuietly(admin);
        admin = null;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // going away either way
            }
        }
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        return !PgJdbc.query(connection, "SELECT 1 FROM pg_database WHERE datname = " + literal(name)).isEmpty();
    }

    private static void dropIfExists(Connection connection, String name) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() >= 13) {
            PgJdbc.query(connection, "DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)");
        } else {
            disconnectOthers(connection, name);
            PgJdbc.query(connection, "DROP DATABASE IF EXISTS " + ident(name));
        }
    }

    private static void disconnectOthers(Connection connection, String name) throws SQLException {
        PgJdbc.query(connection, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + literal(name)
                + " AND pid <> pg_backend_pid()");
    }

    private String snapshotDatabase(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("snapshot name \"" + name + "\" must be 1 to 40 of letters, digits, '_', '-'");
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((database + "\0" + name).getBytes(StandardCharsets.UTF_8));
            return "stevedore_snapshot_" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String spare(String snapshot) {
        return snapshot + "_spare";
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
