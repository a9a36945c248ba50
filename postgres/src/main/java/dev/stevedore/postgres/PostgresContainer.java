package dev.stevedore.postgres;

import dev.stevedore.dsl.ContainerDefinition;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Engines;
import dev.stevedore.dsl.internal.Tars;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Mount;
import dev.stevedore.postgres.internal.PgJdbc;
import dev.stevedore.postgres.internal.PostgresDataCache;
import dev.stevedore.postgres.internal.PostgresSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL container: {@link ContainerHandle} plus what a database user needs: {@link #jdbcUrl()},
 * credentials, statements from the host, and {@link #snapshot()}/{@link #restore()} to reset the database between
 * tests. Made by {@link Postgres#container}.
 *
 * <p>The first start of a configuration keeps a copy of its freshly initialized data directory (see
 * {@code PostgresConfig.cacheData}); later starts, in this JVM or the next, begin from that copy and skip
 * {@code initdb} and the init scripts.
 *
 * <p>Statements ({@link #execute}, {@link #query}, snapshots) go from the host through the JDBC driver (pgjdbc), as
 * the test's own would; its classes are loaded on a background thread from {@code start()} on, while the container starts.
 */
public final class PostgresContainer extends ContainerHandle {
    private static final Duration STATEMENT_LIMIT = Duration.ofSeconds(30);
    private static final String CACHED_ARCHIVE = "/tmp/stevedore-postgres-data.tar";
    private static final String COPIED_ARCHIVE = "/tmp/stevedore-postgres-data.tar.gz";

    private final String username;
    private final String password;
    private final String database;
    private final String dataDirectory;
    private final boolean cacheData;
    private final boolean dataInMemory;
    private PostgresSnapshots snapshots;
    private volatile Path cacheEntry;
    private volatile boolean fromCache;
    private volatile boolean copyEntry;

    PostgresContainer(ContainerDefinition definition, String username, String password, String database,
                      String dataDirectory, boolean cacheData, boolean dataInMemory) {
        super(definition);
        this.username = username;
        this.password = password;
        this.database = database;
        this.dataDirectory = dataDirectory;
        this.cacheData = cacheData;
        this.dataInMemory = dataInMemory;
    }

    boolean cachesData() {
        return cacheData;
    }

    boolean dataInMemory() {
        return dataInMemory;
    }

    /** Whether this start used a cached, initialized data directory instead of initializing one. */
    public boolean startedFromCache() {
        return isRunning() && fromCache;
    }

    /**
     * Puts the data directory on a tmpfs (unless told not to) and, with a cached data directory for this image and
     * configuration, starts the container through a wrapper that unpacks it and then runs the image's own entrypoint.
     * When the engine shares this host's files, the entry (one uncompressed tar) reaches the container as a read-only
     * bind mount; else its gzipped form is copied in by {@link #beforeStart} (a seventh of the bytes through the
     * engine's API; one file is many times faster than the directory's thousand).
     */
    @Override
    protected void beforeCreate(ContainerEngine engine, ContainerSpec.Builder spec) {
        fromCache = false;
        cacheEntry = null;
        copyEntry = false;
        boolean bind = engine.capabilities().sharesHostFiles();
        Path directory = cacheData ? PostgresDataCache.directory(PostgresContainer::setting) : null;
        if (directory == null) {
            inMemory(spec, true);
            return;
        }
        Optional<Image> image = engine.image(ImageReference.parse(image()));
        if (image.isEmpty()) {
            // not pulled yet, so nothing can have been cached for it: created, it is initialized and cached
            inMemory(spec, bind);
            return;
        }
        Path entry = PostgresDataCache.entry(directory, PostgresDataCache.key(image.get().id(), definition()), !bind);
        List<String> entrypoint = image.get().config().entrypoint();
        List<String> command = definition().command() != null ? definition().command() : image.get().config().cmd();
        if (!Files.isRegularFile(entry) || entrypoint.isEmpty()) {
            inMemory(spec, bind);
            return;
        }
        inMemory(spec, true);
        String parent = dataDirectory.substring(0, Math.max(1, dataDirectory.lastIndexOf('/')));
        String unpack = (bind ? "tar -xf " + CACHED_ARCHIVE : "tar -xzf " + COPIED_ARCHIVE) + " -C " + parent;
        String tidy = "rm -f " + (bind ? "" : COPIED_ARCHIVE + " ") + dataDirectory + "/postmaster.pid";
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", unpack + " && " + tidy + " && exec \"$@\"", "sh"));
        wrapped.addAll(entrypoint);
        spec.entrypoint(wrapped).cmd(command);
        if (bind) {
            spec.mount(Mount.bind(entry.toString(), CACHED_ARCHIVE, true));
        }
        copyEntry = !bind;
        cacheEntry = entry;
        fromCache = true;
    }

    /**
     * Mounts the tmpfs on the data directory if wanted and {@code cacheable}: Docker's copy out of a container cannot
     * see a tmpfs, so a start that will fill the cache through it keeps the data directory on disk.
     */
    private void inMemory(ContainerSpec.Builder spec, boolean cacheable) {
        if (dataInMemory && cacheable) {
            spec.mount(Mount.tmpfs(dataDirectory, ""));
        }
    }

    @Override
    protected void beforeStart(ContainerEngine engine, ContainerInfo created) {
        Path entry = cacheEntry;
        if (entry == null && cacheData) {
            Path directory = PostgresDataCache.directory(PostgresContainer::setting);
            if (directory != null) {
                // to be filled when the container is ready
                cacheEntry = PostgresDataCache.entry(directory, PostgresDataCache.key(created.imageId(), definition()),
                        !engine.capabilities().sharesHostFiles());
            }
            return;
        }
        if (!fromCache || !copyEntry) {
            return;
        }
        try (InputStream archive = Files.newInputStream(entry)) {
            engine.copyToContainer(created.id(), "/tmp", Tars.ofFile(COPIED_ARCHIVE.substring("/tmp/".length()),
                    archive, Files.size(entry), 0600));
        } catch (IOException | RuntimeException e) {
            throw new ContainerEngineException("copying the cached data directory " + entry + " into " + this
                    + " failed: " + e.getMessage() + " (STEVEDORE_POSTGRES_CACHE=off or pg.cacheData(false) starts without it)", e);
        }
    }

    @Override
    protected void afterReady() {
        Path entry = cacheEntry;
        if (entry == null || fromCache) {
            return;
        }
        // flushed and quiet, the files are what a restart after a crash would find: recovery replays nothing
        try {
            execute("CHECKPOINT");
            try (InputStream tar = engine().copyFromContainer(id(), dataDirectory)) {
                PostgresDataCache.store(entry, tar, dataDirectory.substring(dataDirectory.lastIndexOf('/') + 1) + "/PG_VERSION");
            }
        } catch (IOException | RuntimeException e) {
            // the cache only saves time: without an entry the next start initializes, as this one did
            LoggerFactory.getLogger(PostgresContainer.class).warn("keeping the initialized data directory of {} in {} failed: {}",
                    this, entry, e.toString());
        }
    }

    @Override
    public PostgresContainer start() {
        return start(Engines.shared());
    }

    @Override
    public PostgresContainer start(ContainerEngine engine) {
        // from now until the readiness login the driver's classes are loaded beside the engine's work
        PgJdbc.warmUpInBackground();
        super.start(engine);
        return this;
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (snapshots != null) {
                snapshots.close();
                snapshots = null;
            }
            super.stop();
        }
    }

    /** An environment variable, overridden by the system property of the same name in lower case with dots. */
    private static String setting(String name) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        return property != null ? property : System.getenv(name);
    }

    /** {@code jdbc:postgresql://127.0.0.1:49153/test}: the database on its published port. */
    public String jdbcUrl() {
        return PgJdbc.url(host(), port(), database);
    }

    /** The superuser's name. */
    public String username() {
        return username;
    }

    /** That user's password. */
    public String password() {
        return password;
    }

    /** The database's name. */
    public String databaseName() {
        return database;
    }

    /** The host port the server is published on. */
    public int port() {
        return port(Postgres.PORT);
    }

    /**
     * Runs SQL statements in the database (a fresh login each time).
     *
     * @throws ContainerEngineException when a statement fails, with PostgreSQL's message and SQLSTATE
     */
    public void execute(String sql) {
        query(sql);
    }

    /** Runs SQL statements in the database and returns the rows of the last one, each value as text ({@code null} for NULL). */
    public List<List<@Nullable String>> query(String sql) {
        try (Connection connection = PgJdbc.connect(host(), port(), username, password, database, STATEMENT_LIMIT)) {
            return PgJdbc.query(connection, sql);
        } catch (SQLException e) {
            throw new ContainerEngineException("running SQL in database \"" + database + "\" of " + this + " failed: "
                    + PgJdbc.describe(e), e);
        }
    }

    /** {@link #snapshot(String)} under the name {@code default}. */
    public void snapshot() {
        snapshot("default");
    }

    /**
     * Saves the database's current state under {@code name} (replacing an older snapshot of that name), as a template
     * database made with {@code CREATE DATABASE ... TEMPLATE}. Open connections to the database are closed first
     * (PostgreSQL copies only a database nobody is connected to); connection pools reconnect.
     */
    public void snapshot(String name) {
        snapshots().snapshot(name);
    }

    /** {@link #restore(String)} of the snapshot named {@code default}. */
    public void restore() {
        restore("default");
    }

    /**
     * Puts the database back into the state saved by {@link #snapshot(String)}, in milliseconds: a copy of the snapshot
     * kept ready takes the database's place (its connections are closed), and the old database is dropped and the
     * next copy made in the background.
     *
     * @throws IllegalStateException when there is no snapshot of that name
     */
    public void restore(String name) {
        snapshots().restore(name);
    }

    private synchronized PostgresSnapshots snapshots() {
        if (snapshots == null) {
            snapshots = new PostgresSnapshots(
                    db -> PgJdbc.connect(host(), port(), username, password, db, STATEMENT_LIMIT), database, toString());
        }
        return snapshots;
    }

}
