package dev.stevedore.maven;

import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL shortcut inside a {@code <container>}: the image's contract ({@code POSTGRES_DB},
 * {@code POSTGRES_USER}, {@code POSTGRES_PASSWORD}) and init scripts run at first start.
 *
 * <pre>{@code
 * <container>
 *   <id>db</id>
 *   <image>postgres:16</image>
 *   <postgres>
 *     <database>shop</database>
 *     <initScripts><initScript>src/main/sql/schema.sql</initScript></initScripts>
 *   </postgres>
 * </container>
 * }</pre>
 *
 * <p>Exports {@code stevedore.<id>.jdbcUrl}, {@code .username}, {@code .password} and {@code .database} besides the
 * host and port. Filled in by Maven through its fields, as {@link ContainerConfiguration}.
 */
public class PostgresConfiguration {
    /** The database to create (default {@code test}). */
    String database;
    /** The user to create (default {@code test}). */
    String username;
    /** That user's password (default {@code test}). */
    String password;
    /** {@code .sql}, {@code .sql.gz} or {@code .sh} files, relative to the project's directory, run in this order. */
    List<String> initScripts = new ArrayList<>();

    /** For Maven. */
    public PostgresConfiguration() {
    }
}
