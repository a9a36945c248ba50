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
 * <p>Which engine: {@link ContainerEngine#detect} decides ({@code STEVEDORE_ENGINE} or the system property
 * {@code stevedore.engine} = {@code embedded} or {@code docker} when set; else Docker when {@code DOCKER_HOST} or
 * a docker context says so; else the embedded engine where it can run; else a Docker or Podman socket that
 * answers). A {@code STEVEDORE_ENGINE} that is neither {@code embedded} nor {@code docker} names a class
 * implementing {@code Supplier<ContainerEngine>} with a public no-argument constructor (an engine of one's own,
 * or a fake for tests). Settings come from {@link EngineSettings#fromEnvironment()}.
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
            String supplier = supplierClass(Engines::lookup);
            failure = new ContainerEngineException("no container engine could be opened: " + (supplier == null
                    ? e.getMessage()
                    : "the engine supplier class " + supplier + " (STEVEDORE_ENGINE=" + supplier + ") failed: " + e.getMessage()
                    + " — STEVEDORE_ENGINE must be embedded, docker, or a class implementing Supplier<ContainerEngine>"), e);
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

    static ContainerEngine open(Function<String, String> variables) {
        String supplier = supplierClass(variables);
        if (supplier != null) {
            return fromClass(supplier);
        }
        return ContainerEngine.detect(EngineSettings.from(variables));
    }

    /** The class {@code STEVEDORE_ENGINE} names, or {@code null} when it names a built-in engine or nothing. */
    static String supplierClass(Function<String, String> variables) {
        String value = variables.apply("STEVEDORE_ENGINE");
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        return lower.equals("embedded") || lower.equals("docker") || !trimmed.contains(".") ? null : trimmed;
    }

    @SuppressWarnings("unchecked")
    private static ContainerEngine fromClass(String className) {
        Object supplier;
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            supplier = type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ContainerEngineException("no class " + className + " with a public no-argument constructor could be made: "
                    + e, e);
        }
        if (!(supplier instanceof Supplier)) {
            throw new ContainerEngineException(className + " does not implement Supplier<ContainerEngine>");
        }
        Object engine = ((Supplier<Object>) supplier).get();
        if (!(engine instanceof ContainerEngine)) {
            throw new ContainerEngineException(className + " supplied " + engine + ", not a ContainerEngine");
        }
        return (ContainerEngine) engine;
    }

    /** An environment variable, overridden by the system property of the same name in lower case with dots. */
    static String lookup(String name) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        return property != null ? property : System.getenv(name);
    }
}
