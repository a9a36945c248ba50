package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.Session;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
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
    /** An open begun by {@link #openEarly()}, with the configuration it saw; taken by the first {@link #shared()}. */
    private static CompletableFuture<EarlyOpen> early;

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
            ContainerEngine engine = fromEarlyOpen();
            if (engine == null) {
                engine = open(Engines::lookup);
                Session.closeOnShutdown(engine);
            }
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
     * Begins opening the JVM-wide engine on a daemon thread and returns at once, so that the first {@link #shared()}
     * finds it open (or half-way). For launchers that know containers are coming (the JUnit extension calls it when a
     * test run begins, while JUnit discovers the tests). Does nothing when the engine is open or being opened.
     *
     * <p>Safe when the configuration changes meanwhile: {@link #shared()} uses the early engine only when the
     * {@code stevedore.*}, {@code docker.*} and {@code xdg.*} system properties it was opened with are still the
     * same (a test may set them), else closes it and opens another; a failure of the early open is reported by
     * {@link #shared()} as its own.
     */
    public static synchronized void openEarly() {
        if (shared != null || failure != null || early != null) {
            return;
        }
        early = beginOpen(() -> {
            ContainerEngine engine = open(Engines::lookup);
            Session.closeOnShutdown(engine);
            try {
                engine.prepare(); // on this thread, not the first create's
            } catch (RuntimeException e) {
                // only time was at stake: the first create builds what is missing
            }
            return engine;
        }, configuration());
    }

    /** The engine {@link #openEarly()} opened if it was opened as {@link #shared()} would open it now, else null. */
    private static ContainerEngine fromEarlyOpen() {
        CompletableFuture<EarlyOpen> opening = early;
        if (opening == null) {
            return null;
        }
        early = null;
        return adopt(opening, configuration());
    }

    /** Runs {@code opener} on a daemon thread (with the caller's context class loader), noting {@code configuration}. */
    static CompletableFuture<EarlyOpen> beginOpen(Supplier<ContainerEngine> opener, Map<String, String> configuration) {
        CompletableFuture<EarlyOpen> opening = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                opening.complete(new EarlyOpen(configuration, opener.get(), null));
            } catch (Throwable e) { // whatever ends this thread must reach the caller waiting in shared()
                opening.complete(new EarlyOpen(configuration, null, e));
            }
        }, "stevedore-engine-open");
        thread.setDaemon(true);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        return opening;
    }

    /**
     * Waits for {@code opening}; its engine when it was opened under {@code configuration} (its failure thrown), else
     * null after closing it.
     */
    static ContainerEngine adopt(CompletableFuture<EarlyOpen> opening, Map<String, String> configuration) {
        EarlyOpen opened = opening.join();
        if (!opened.configuration.equals(configuration)) {
            if (opened.engine != null) {
                Session.forget(opened.engine);
                try {
                    opened.engine.close();
                } catch (RuntimeException e) {
                    // an engine nobody used: nothing of the caller's is lost with it
                }
            }
            return null;
        }
        if (opened.failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (opened.failure instanceof Error error) {
            throw error;
        }
        if (opened.failure != null) {
            throw new ContainerEngineException("opening the container engine failed: " + opened.failure, opened.failure);
        }
        return opened.engine;
    }

    /** What decides which engine {@link #open} makes, besides the environment (which cannot change). */
    private static Map<String, String> configuration() {
        Map<String, String> configuration = new TreeMap<>();
        Properties properties = System.getProperties();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("stevedore.") || name.startsWith("docker.") || name.startsWith("xdg.") || name.equals("user.home")) {
                configuration.put(name, properties.getProperty(name));
            }
        }
        return configuration;
    }

    record EarlyOpen(Map<String, String> configuration, ContainerEngine engine, Throwable failure) {
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

    /**
     * Whether {@code engine} runs its containers on this host's file system, so a bind mount of a host file needs no
     * copy (the embedded engine; a Docker daemon may be remote or in a VM and gets files copied).
     */
    static boolean sharesHostFiles(ContainerEngine engine) {
        return engine.capabilities().sharesHostFiles();
    }

    /** An environment variable, overridden by the system property of the same name in lower case with dots. */
    static String lookup(String name) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        return property != null ? property : System.getenv(name);
    }
}
