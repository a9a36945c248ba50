package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.Session;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The JVM-wide container engine the DSL uses when none is given: opened on first use, closed by a shutdown
 * hook after every container started through the DSL has been removed.
 *
 * <p>Which engine: {@code STEVEDORE_ENGINE} (or the system property {@code stevedore.engine}) is
 * {@code embedded} (the default: the daemonless engine, {@link ContainerEngine#embedded}) or {@code docker}
 * (a Docker Engine API endpoint found through {@code DOCKER_HOST}, {@link ContainerEngine#docker}); any other
 * value names a class implementing {@code Supplier<ContainerEngine>} with a public no-argument constructor.
 * Settings come from {@link EngineSettings#fromEnvironment()}.
 *
 * <p>When no engine can be opened, every use fails with the same {@link ContainerEngineException} saying what
 * was tried; the JVM does not try again.
 */
public final class Engines {
    private static ContainerEngine shared;
    private static ContainerEngineException failure;

    private Engines() {
    }

    /**
     * The JVM-wide engine.
     *
     * @throws ContainerEngineException when it cannot be opened, saying what was tried and what to do
     */
    public static synchronized ContainerEngine shared() {
        if (shared != null) {
            return shared;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            ContainerEngine engine = open(Engines::lookup);
            Session.closeOnShutdown(engine);
            shared = engine;
            return engine;
        } catch (RuntimeException | LinkageError e) {
            failure = new ContainerEngineException("no container engine could be opened: " + describeChoice(Engines::lookup)
                    + " failed: " + e.getMessage() + " — " + remedy(Engines::lookup), e);
            throw failure;
        }
    }

    /**
     * Why the JVM-wide engine cannot be used, or empty when it can. Opens the engine on first call.
     */
    public static Optional<String> unavailableReason() {
        try {
            shared();
            return Optional.empty();
        } catch (ContainerEngineException e) {
            return Optional.of(e.getMessage());
        }
    }

    // The one place that chooses; becomes ContainerEngine.detect(settings) once engine auto-selection lands.
    static ContainerEngine open(Function<String, String> variables) {
        String choice = choice(variables);
        EngineSettings settings = EngineSettings.from(variables);
        switch (choice) {
            case "embedded":
                return ContainerEngine.embedded(settings);
            case "docker":
                return ContainerEngine.docker(settings);
            default:
                return fromClass(choice);
        }
    }

    static String choice(Function<String, String> variables) {
        String value = variables.apply("STEVEDORE_ENGINE");
        if (value == null || value.isBlank()) {
            return "embedded";
        }
        String trimmed = value.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        return lower.equals("embedded") || lower.equals("docker") ? lower : trimmed;
    }

    static String describeChoice(Function<String, String> variables) {
        String value = variables.apply("STEVEDORE_ENGINE");
        String choice = choice(variables);
        String source = value == null || value.isBlank() ? "the default" : "STEVEDORE_ENGINE=" + value.trim();
        switch (choice) {
            case "embedded":
                return "the embedded engine (" + source + ")";
            case "docker":
                String host = variables.apply("DOCKER_HOST");
                return "a Docker daemon (" + source + (host == null || host.isBlank() ? ", DOCKER_HOST unset" : ", DOCKER_HOST=" + host) + ")";
            default:
                return "the engine supplier class " + choice + " (" + source + ")";
        }
    }

    private static String remedy(Function<String, String> variables) {
        switch (choice(variables)) {
            case "embedded":
                return "the embedded engine needs Linux and root (or the privileges its error names); "
                        + "set STEVEDORE_ENGINE=docker to use a Docker daemon instead";
            case "docker":
                return "start the daemon or point DOCKER_HOST at it, or set STEVEDORE_ENGINE=embedded for the daemonless engine";
            default:
                return "STEVEDORE_ENGINE must be embedded, docker, or a class implementing Supplier<ContainerEngine>";
        }
    }

    @SuppressWarnings("unchecked")
    private static ContainerEngine fromClass(String className) {
        Object supplier;
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            supplier = type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ContainerEngineException("STEVEDORE_ENGINE=" + className + " is neither embedded nor docker, and no class "
                    + "of that name with a public no-argument constructor could be made: " + e, e);
        }
        if (!(supplier instanceof Supplier)) {
            throw new ContainerEngineException("STEVEDORE_ENGINE=" + className + " does not implement Supplier<ContainerEngine>");
        }
        Object engine = ((Supplier<Object>) supplier).get();
        if (!(engine instanceof ContainerEngine)) {
            throw new ContainerEngineException("STEVEDORE_ENGINE=" + className + " supplied " + engine + ", not a ContainerEngine");
        }
        return (ContainerEngine) engine;
    }

    /** An environment variable, overridden by the system property of the same name in lower case with dots. */
    static String lookup(String name) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        return property != null ? property : System.getenv(name);
    }
}
