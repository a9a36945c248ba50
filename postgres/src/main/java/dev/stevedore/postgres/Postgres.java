package dev.stevedore.postgres;

import dev.stevedore.dsl.Configurer;
import dev.stevedore.dsl.Service;

/**
 * PostgreSQL, ready-made: a container of the official image's contract ({@code POSTGRES_USER},
 * {@code POSTGRES_PASSWORD}, {@code POSTGRES_DB}, {@code /docker-entrypoint-initdb.d}) that is ready only when a
 * login from the host answers a query, so the first JDBC call never races the server.
 *
 * <pre>{@code
 * @Container
 * static PostgresContainer db = Postgres.container("postgres:15", pg -> pg.database("shop").initScript("schema.sql"));
 * ...
 * DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
 * }</pre>
 *
 * <p>In an environment, {@link #service()} declares one by name:
 * {@code Stevedore.environment(e -> e.container("db", Postgres.service(), pg -> pg.version("16")))}.
 *
 * <p>This module brings the PostgreSQL JDBC driver (pgjdbc): the container's own statements, snapshots and readiness
 * login go through it, and its classes are loaded on a background thread while the container starts, so the test's
 * first connection finds them ready.
 */
public final class Postgres {
    /** The server's port inside the container. */
    public static final int PORT = 5432;

    private Postgres() {
    }

    /** A PostgreSQL container of {@code image} with user, password and database {@code test}. */
    public static PostgresContainer container(String image) {
        return container(image, Configurer.none());
    }

    /** A PostgreSQL container of {@code image}, configured by {@code configurer}. */
    public static PostgresContainer container(String image, Configurer<PostgresConfig> configurer) {
        PostgresConfig config = new PostgresConfig(image, "postgres");
        configurer.configure(config);
        return config.build();
    }

    /**
     * PostgreSQL as a service of {@code Stevedore.environment}: the container gets the name it is declared with; say
     * which image with {@code pg.version("16")} or {@code pg.image(...)}.
     */
    public static Service<PostgresConfig, PostgresContainer> service() {
        return (name, configurer) -> {
            PostgresConfig config = new PostgresConfig(null, name);
            configurer.configure(config);
            return config.build();
        };
    }
}
