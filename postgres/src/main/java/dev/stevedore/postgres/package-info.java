/**
 * A ready-made PostgreSQL for Stevedore's DSL ({@code stevedore-postgres}): {@link dev.stevedore.postgres.Postgres}
 * makes a {@link dev.stevedore.postgres.PostgresContainer}, configured through
 * {@link dev.stevedore.postgres.PostgresConfig}, and ready only once a login from the host through the JDBC driver
 * answers. Statements, snapshots and restores go through pgjdbc, a dependency of this module; in an environment,
 * {@link dev.stevedore.postgres.Postgres#service()} declares one by name.

 *
 * <p>Nothing here is null unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.stevedore.postgres;

import org.jspecify.annotations.NullMarked;
