package dev.stevedore.postgres;

import dev.stevedore.dsl.Configurer;
import dev.stevedore.dsl.ContainerConfig;
import dev.stevedore.dsl.ContainerDefinition;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.InvalidDefinitionException;
import dev.stevedore.dsl.NetworkHandle;
import dev.stevedore.postgres.internal.PostgresReadyWait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mutable spec of a {@link PostgresContainer}, handed to the {@link Postgres#container} lambda.
 *
 * <p>Defaults: user {@code test}, password {@code test}, database {@code test}; the server runs with
 * {@code fsync=off} (tests do not need durability; {@code setting("fsync", "on")} restores it) on a data directory
 * in memory (a tmpfs; {@code dataInMemory(false)} puts it on disk); port 5432 published on a free loopback port.
 */
public final class PostgresConfig {
    private String image;
    private String name;
    private String database = "test";
    private String username = "test";
    private String password = "test";
    private final List<Script> scripts = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Configurer<ContainerConfig>> containerConfigurers = new ArrayList<>();
    private boolean cacheData = true;
    private boolean dataInMemory = true;

    PostgresConfig(String image, String name) {
        this.image = image;
        this.name = name;
        settings.put("fsync", "off");
    }

    /** The image, e.g. {@code postgres:16} or a compatible one ({@code postgis/postgis:16-3.4}). */
    public PostgresConfig image(String value) {
        this.image = value;
        return this;
    }

    /** The official image of this version: {@code version("16")} is {@code postgres:16}. */
    public PostgresConfig version(String value) {
        this.image = "postgres:" + value;
        return this;
    }

    /** The container's DSL name (and network alias). */
    public PostgresConfig name(String value) {
        this.name = value;
        return this;
    }

    /** The database created at first start ({@code POSTGRES_DB}). */
    public PostgresConfig database(String value) {
        this.database = value;
        return this;
    }

    /** The superuser created at first start ({@code POSTGRES_USER}). */
    public PostgresConfig username(String value) {
        this.username = value;
        return this;
    }

    /** That user's password ({@code POSTGRES_PASSWORD}). */
    public PostgresConfig password(String value) {
        this.password = value;
        return this;
    }

    /**
     * A script run against the database at first start: a classpath resource ({@code db/schema.sql}), copied into
     * {@code /docker-entrypoint-initdb.d} in the order declared ({@code .sql}, {@code .sql.gz}, {@code .sh}).
     */
    public PostgresConfig initScript(String classpathResource) {
        scripts.add(new Script(classpathResource, null));
        return this;
    }

    /** A script file of the host, run at first start; see {@link #initScript(String)}. */
    public PostgresConfig initScript(Path file) {
        scripts.add(new Script(null, file));
        return this;
    }

    /** A server setting, passed as {@code -c name=value}. */
    public PostgresConfig setting(String settingName, String value) {
        settings.put(Objects.requireNonNull(settingName, "settingName"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Whether to keep the freshly initialized data directory between runs (on by default) so later starts of the
     * same configuration skip {@code initdb} and the init scripts: seconds saved per start. Off by itself when an
     * init script is a {@code .sh} (its effects outside the data directory could not be replayed) or a mount
     * covers the data directory. The cache is {@code ~/.cache/stevedore/postgres}, {@code STEVEDORE_POSTGRES_CACHE}
     * elsewhere or {@code off}.
     */
    public PostgresConfig cacheData(boolean value) {
        this.cacheData = value;
        return this;
    }

    /**
     * Whether the data directory is a tmpfs (on by default): a test database starts and writes without waiting for a
     * disk, at the price of its size in memory. Off by itself when a mount of the container's covers the data
     * directory or the container runs as another user (the entrypoint could not take the tmpfs over).
     */
    public PostgresConfig dataInMemory(boolean value) {
        this.dataInMemory = value;
        return this;
    }

    /** Joins {@code network}, answering to its name and {@code aliases} there. */
    public PostgresConfig network(NetworkHandle network, String... aliases) {
        return container(c -> c.network(network, aliases));
    }

    /** How long it may take to become ready (default 60 s). */
    public PostgresConfig startupTimeout(Duration timeout) {
        return container(c -> c.startupTimeout(timeout));
    }

    /** Containers that must be ready first. */
    public PostgresConfig dependsOn(ContainerHandle... containers) {
        return container(c -> c.dependsOn(containers));
    }

    /** Anything else, on the container's spec (applied after the settings above). */
    public PostgresConfig container(Configurer<ContainerConfig> configurer) {
        containerConfigurers.add(Objects.requireNonNull(configurer, "configurer"));
        return this;
    }

    PostgresContainer build() {
        String path = "container \"" + name + "\"";
        if (image == null || image.isBlank()) {
            throw new InvalidDefinitionException(path, "no image: say which with pg.version(\"16\") or pg.image(\"postgres:16\")");
        }
        requireText(path, "database", database);
        requireText(path, "username", username);
        requireText(path, "password", password);
        if (database.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            throw new InvalidDefinitionException(path, "database name \"" + database + "\" is longer than PostgreSQL's 63 bytes");
        }
        List<String> command = new ArrayList<>();
        command.add("postgres");
        settings.forEach((key, value) -> {
            command.add("-c");
            command.add(key + "=" + value);
        });
        ContainerDefinition definition = ContainerDefinition.of(image, config -> {
            config.name(name);
            config.env("POSTGRES_USER", username).env("POSTGRES_PASSWORD", password).env("POSTGRES_DB", database);
            config.expose(Postgres.PORT);
            config.command(command.toArray(new String[0]));
            for (int i = 0; i < scripts.size(); i++) {
                Script script = scripts.get(i);
                String prefix = String.format("/docker-entrypoint-initdb.d/%03d-", i + 1);
                if (script.resource != null) {
                    String base = script.resource.substring(script.resource.lastIndexOf('/') + 1);
                    config.copyResource(script.resource, prefix + base);
                } else {
                    config.copy(script.file, prefix + script.file.getFileName());
                }
            }
            config.waitFor(new PostgresReadyWait(username, password, database));
            containerConfigurers.forEach(c -> c.configure(config));
        });
        String dataDirectory = definition.env().getOrDefault("PGDATA", "/var/lib/postgresql/data");
        boolean shellScripts = scripts.stream().anyMatch(Script::isShell);
        boolean mounted = definition.mounts().stream()
                .anyMatch(m -> dataDirectory.equals(m.target()) || dataDirectory.startsWith(m.target() + "/"));
        return new PostgresContainer(definition, username, password, database, dataDirectory,
                cacheData && !shellScripts && !mounted, dataInMemory && !mounted && definition.user() == null);
    }

    private static void requireText(String path, String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidDefinitionException(path, what + " cannot be empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidDefinitionException(path, what + " cannot hold a NUL character");
        }
    }

    private static final class Script {
        final String resource;
        final Path file;

        Script(String resource, Path file) {
            this.resource = resource == null ? null : resource.replaceFirst("^classpath:", "").replaceFirst("^/+", "");
            this.file = file;
        }

        boolean isShell() {
            return (resource != null ? resource : file.getFileName().toString()).endsWith(".sh");
        }
    }
}
