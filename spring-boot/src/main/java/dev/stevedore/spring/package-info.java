/**
 * Stevedore for Spring Boot 3.5: {@link dev.stevedore.spring.ServiceConnection} turns a container declared in a test
 * (a static field, or a {@code @Bean}) into Spring Boot's connection details for the service it runs, through Spring
 * Boot's own {@code ConnectionDetailsFactory} mechanism. Everything else is in {@code internal}. Nothing here is
 * null unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.stevedore.spring;

import org.jspecify.annotations.NullMarked;
