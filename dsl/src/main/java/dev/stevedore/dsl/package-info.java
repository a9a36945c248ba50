/**
 * Stevedore's DSL: containers, networks and whole environments described in plain Java with nested lambdas, started
 * on any {@link dev.stevedore.engine.ContainerEngine}, waited for until ready, and removed again.
 *
 * <p>Entry points: {@link dev.stevedore.dsl.Stevedore} ({@code container}, {@code network}, {@code environment}),
 * {@link dev.stevedore.dsl.Wait} (wait strategies) and {@link dev.stevedore.dsl.Engines} (the JVM-wide engine).
 * Ready-made services live in modules of their own (PostgreSQL in {@code stevedore-postgres}) and join
 * environments through {@link dev.stevedore.dsl.Service}.
 *
 * <p>Every description goes spec → definition → handle: a lambda fills a mutable spec
 * ({@link dev.stevedore.dsl.ContainerConfig}), which is validated and frozen into an immutable
 * {@link dev.stevedore.dsl.ContainerDefinition} when the lambda returns (mistakes name their place:
 * {@code container "db": port 5432 exposed twice}), held by a {@link dev.stevedore.dsl.ContainerHandle} that starts,
 * reaches and stops the container. The lambda type {@link dev.stevedore.dsl.Configurer} is marked
 * {@link dev.stevedore.dsl.StevedoreDsl} for Kotlin's sam-with-receiver plugin.
 *
 * <p>Settings, read from the environment or the system property of the same name in lower case with dots:
 * {@code STEVEDORE_ENGINE} (which engine, see {@link dev.stevedore.dsl.Engines}), {@code STEVEDORE_IMAGE_MIRROR} /
 * {@code STEVEDORE_REGISTRY_MIRROR} (where {@code docker.io} images are pulled from, see
 * {@link dev.stevedore.dsl.Stevedore}), and the engine's own ({@code STEVEDORE_HOME}, {@code DOCKER_HOST}, ...).

 *
 * <p>Nothing here is null unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.stevedore.dsl;

import org.jspecify.annotations.NullMarked;
