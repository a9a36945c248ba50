package dev.stevedore.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a Stevedore container Spring Boot's connection details for the service it runs, as {@code @ServiceConnection}
 * does for Testcontainers: a {@code PostgresContainer} becomes the application's {@code JdbcConnectionDetails}, so
 * the auto-configured {@code DataSource} (and {@code JdbcTemplate}, Flyway, JPA) talks to it and no
 * {@code spring.datasource.*} property is needed.
 *
 * <p>On a <b>static field</b> of a Spring test class ({@code @SpringBootTest}, {@code @JdbcTest}...):
 * <pre>{@code
 * @SpringBootTest
 * class OrderServiceTest {
 *     @ServiceConnection
 *     static PostgresContainer db = Postgres.container("postgres:16", pg -> pg.database("shop"));
 * }
 * }</pre>
 * The container starts when the application context first asks for the connection details (before its
 * {@code DataSource} is made) and stops when that context closes. If something else started it first (the field is
 * also a JUnit {@code @Container}), its starter stops it.
 *
 * <p>On a <b>{@code @Bean} method</b> (in a {@code @TestConfiguration}, or a configuration of a local run), the
 * container is a bean: it starts when the connection details are first used and stops when the context closes.
 *
 * <p>Services Stevedore knows: PostgreSQL ({@code stevedore-postgres}) as {@code JdbcConnectionDetails}. Another
 * service is one {@code ConnectionDetailsFactory<ContainerConnectionSource, ...>} in {@code META-INF/spring.factories}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface ServiceConnection {
}
