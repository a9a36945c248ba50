package dev.stevedore.dsl;

/**
 * A kind of ready-made container (a service such as {@code stevedore-postgres}' PostgreSQL) that an environment can
 * declare by name with the service's own spec:
 *
 * <pre>{@code
 * Stevedore.environment(e -> {
 *     var db = e.container("db", Postgres.service(), pg -> pg.version("16"));
 *     e.container("api", "example/api:1.4", c -> c.dependsOn(db));
 * });
 * }</pre>
 *
 * <p>Why a service type rather than {@code e.add(handle)} alone: the environment gives the container its name
 * positionally, as for plain containers, and reports a service's definition mistakes with the environment's path
 * ({@code environment: container "db": no image ...}); and the DSL needs no dependency on any service's module, so a
 * service (and its client library, such as a JDBC driver) stays off class paths that do not use it.
 *
 * @param <S> the service's mutable spec, handed to the configuration lambda
 * @param <H> the handle it makes
 */
@FunctionalInterface
public interface Service<S, H extends ContainerHandle> {

    /**
     * A handle named {@code name}, from a fresh spec of this service configured by {@code configurer}, validated.
     *
     * @throws InvalidDefinitionException when the configuration is wrong, with the container as its path
     */
    H define(String name, Configurer<S> configurer);
}
