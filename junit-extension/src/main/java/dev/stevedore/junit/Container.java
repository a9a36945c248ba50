package dev.stevedore.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A field whose container runs while the tests need it. The annotation alone switches the extension on.
 *
 * <pre>{@code
 * class OrderRepositoryTest {
 *     @Container
 *     static PostgresContainer db = Postgres.container("postgres:16", pg -> pg.database("shop"));
 *
 *     @Container(image = "redis:7", ports = 6379)
 *     ContainerHandle cache;
 *
 *     @Test
 *     void savesOrders() { ... db.jdbcUrl() ... cache.endpoint(6379) ... }
 * }
 * }</pre>
 *
 * <p>A <b>static</b> field gets one container for its class: started before the class's first test, stopped after
 * its last. An <b>instance</b> field gets one per test: started before each test (and its {@code @BeforeEach}
 * methods), stopped after it. {@link Scope#JVM} on a static field keeps the container for the life of the JVM (the
 * test run; with Surefire's {@code forkCount > 1}, each fork), shared by every class that uses the same field (a base
 * class's static field, or a holder class's constant), and stops it when the JVM ends. The containers of a class start in parallel, each once those it {@code dependsOn} are ready.
 *
 * <p>The field holds a {@link dev.stevedore.dsl.Startable} made with the DSL ({@code ContainerHandle},
 * {@code PostgresContainer}, {@code Environment}), or it is left {@code null} and the annotation describes a simple
 * container ({@link #image()}, {@link #ports()}, {@link #env()}, {@link #command()}): the extension then puts the
 * started {@code ContainerHandle} into it.
 *
 * <p>Test and lifecycle methods (and constructors, for static fields) can take the containers as parameters: by
 * type, and by the parameter's name (the field's or the container's name) when several have the type.
 * When a test fails, each of its containers' last 50 log lines are added to the failure and published as report
 * entries.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.ANNOTATION_TYPE})
@ExtendWith(StevedoreExtension.class)
public @interface Container {

    /** How long the container lives; by default it follows the field: static per class, instance per test. */
    Scope scope() default Scope.DEFAULT;

    /** The image of a container described by the annotation alone; the field must then be {@code null}. */
    String image() default "";

    /** The container's name (its network alias, and what a parameter of that name receives). */
    String name() default "";

    /** Container ports to publish on free loopback ports (annotation-only containers). */
    int[] ports() default {};

    /** Environment variables as {@code KEY=value} (annotation-only containers). */
    String[] env() default {};

    /** Replaces the image's command (annotation-only containers). */
    String[] command() default {};

    /** A regular expression: ready once a log line matches it (annotation-only containers; default: the ports listen). */
    String waitForLog() default "";

    /** How long it may take to become ready, in seconds (annotation-only containers). */
    int startupTimeoutSeconds() default 60;

    /** How long a container lives. */
    enum Scope {
        /** Static field: per class; instance field: per test. */
        DEFAULT,
        /** One container for the class (static fields only). */
        CLASS,
        /** A fresh container for every test (instance fields, or a static field restarted for each test). */
        TEST,
        /** One container for the JVM (each Surefire fork), shared by every class that uses the field (static fields only). */
        JVM
    }
}
