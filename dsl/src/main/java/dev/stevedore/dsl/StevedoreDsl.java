package dev.stevedore.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the DSL's configuration lambda types, so Kotlin's {@code sam-with-receiver} compiler plugin can
 * make the configured object the lambda's receiver: with
 * {@code samWithReceiver { annotation("dev.stevedore.dsl.StevedoreDsl") }} in the Gradle build, Kotlin users
 * write {@code Stevedore.container("redis:7") { expose(6379) }} instead of {@code { c -> c.expose(6379) }}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StevedoreDsl {
}
