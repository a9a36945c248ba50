package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.StartPlan;
import dev.stevedore.engine.ContainerEngine;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The DSL's entry point: containers, networks and environments in plain Java with nested lambdas. Required
 * arguments are positional, everything optional goes in the lambda:
 *
 * <pre>{@code
 * try (var redis = Stevedore.container("redis:7", c -> c.expose(6379).env("K", "V")).start()) {
 *     connect(redis.host(), redis.port(6379));
 * }
 * }</pre>
 *
 * <p>Definitions are validated and frozen when these methods return; nothing runs until {@code start()}.
 * {@code start()} without an engine uses {@link Engines#shared()}.
 *
 * <p><b>Image mirrors.</b> With {@code STEVEDORE_IMAGE_MIRROR=host:port} (or, when that is unset,
 * {@code STEVEDORE_REGISTRY_MIRROR}), the DSL asks the engine for {@code host:port/library/postgres:15} when a
 * user writes {@code postgres:15}: only {@code docker.io} images are rewritten, on every engine alike. The
 * embedded engine reads {@code STEVEDORE_REGISTRY_MIRROR} itself too, for images named {@code docker.io}
 * (trying the mirror, then Docker Hub); through the DSL that fallback does not happen, because the name the
 * engine sees already points at the mirror. {@code STEVEDORE_IMAGE_MIRROR=off} turns the DSL's rewrite off and
 * leaves mirrors to the engine (the Docker daemon's own {@code registry-mirrors}, or the embedded engine's).
 */
public final class Stevedore {

    private Stevedore() {
    }

    /** A container of {@code image} with the image's defaults. */
    public static ContainerHandle container(String image) {
        return container(image, Configurer.none());
    }

    /** A container of {@code image}, configured by {@code configurer}. */
    public static ContainerHandle container(String image, Configurer<ContainerConfig> configurer) {
        return ContainerHandle.of(ContainerDefinition.of(image, configurer));
    }

    /** A network named {@code name}, created when the first container on it starts. */
    public static NetworkHandle network(String name) {
        return network(name, Configurer.none());
    }

    /** A network named {@code name}, configured by {@code configurer}. */
    public static NetworkHandle network(String name, Configurer<NetworkConfig> configurer) {
        NetworkConfig config = new NetworkConfig();
        configurer.configure(config);
        return new NetworkHandle(name, config);
    }

    /** An environment of containers and networks, declared in {@code configurer}. */
    public static Environment environment(Configurer<EnvironmentConfig> configurer) {
        EnvironmentConfig config = new EnvironmentConfig();
        configurer.configure(config);
        return config.build();
    }

    /**
     * An environment of the services of a compose file, read natively (no {@code docker compose} binary): each service
     * a container named as the service, each network of the file a network of the environment. See
     * {@link ComposeConfig} for what is ready when, and {@link dev.stevedore.dsl.compose.ComposeProject} for what
     * the file may hold.
     *
     * <pre>{@code
     * try (var env = Stevedore.compose(Path.of("compose.yaml"), c -> c.service("web", s -> s.waitFor(Wait.http("/")))).start()) {
     *     URI web = env.container("web").httpUri(80);
     * }
     * }</pre>
     *
     * @throws dev.stevedore.dsl.compose.ComposeFileException when the file cannot be read or uses what is not supported
     */
    public static Environment compose(Path file, Configurer<ComposeConfig> configurer) {
        ComposeConfig config = new ComposeConfig(file);
        configurer.configure(config);
        return config.build();
    }

    /** {@link #compose(Path, Configurer)} with the file as it is. */
    public static Environment compose(Path file) {
        return compose(file, Configurer.none());
    }

    /** The JVM-wide engine ({@link Engines#shared()}). */
    public static ContainerEngine engine() {
        return Engines.shared();
    }

    /**
     * Starts {@code items} (and what they depend on) on {@code engine} in parallel, each once its dependencies are
     * ready. When one fails, those this call started are stopped again and the first failure is thrown.
     */
    public static void startAll(ContainerEngine engine, Collection<? extends Startable> items) {
        StartPlan.startAll(engine, items);
    }

    /** Stops {@code items} in parallel, each after those among them that depend on it. */
    public static void stopAll(Collection<? extends Startable> items) {
        StartPlan.stopAll(items);
    }
}
