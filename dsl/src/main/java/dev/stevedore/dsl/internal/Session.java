package dev.stevedore.dsl.internal;

import dev.stevedore.engine.ContainerEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * This JVM's DSL session: an id put on every container and network the DSL creates, and the shutdown hook
 * that removes what is still running when the JVM ends, then closes the engines handed to it.
 *
 * <p>Not public API: used by {@code dev.stevedore.dsl} only.
 */
public final class Session {
    /** Label carrying {@link #id()} on everything the DSL creates. */
    public static final String SESSION_LABEL = "dev.stevedore.session";
    /** Label carrying the DSL name of a container or network. */
    public static final String NAME_LABEL = "dev.stevedore.name";

    private static final String ID = UUID.randomUUID().toString();
    private static final Set<AutoCloseable> LIVE = Collections.newSetFromMap(new IdentityHashMap<>());
    private static final List<ContainerEngine> ENGINES = new ArrayList<>();
    private static boolean hookInstalled;

    private Session() {
    }

    /** This JVM's session id. */
    public static String id() {
        return ID;
    }

    /** Remembers something to stop at JVM exit if nobody stopped it before. */
    public static synchronized void live(AutoCloseable resource) {
        installHook();
        LIVE.add(resource);
    }

    /** Forgets {@code resource}: it was stopped. */
    public static synchronized void gone(AutoCloseable resource) {
        LIVE.remove(resource);
    }

    /** Closes {@code engine} at JVM exit, after everything live was stopped. */
    public static synchronized void closeOnShutdown(ContainerEngine engine) {
        installHook();
        ENGINES.add(engine);
    }

    /** Forgets {@code engine}: its opener closed it already. */
    public static synchronized void forget(ContainerEngine engine) {
        ENGINES.remove(engine);
    }

    private static void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(Session::shutdown, "stevedore-shutdown"));
            hookInstalled = true;
        }
    }

    private static void shutdown() {
        List<AutoCloseable> live;
        List<ContainerEngine> engines;
        synchronized (Session.class) {
            live = new ArrayList<>(LIVE);
            engines = new ArrayList<>(ENGINES);
        }
        // Each in its own thread: a JVM exit should not wait for containers one after the other.
        List<Thread> stops = new ArrayList<>();
        for (AutoCloseable resource : live) {
            Thread t = new Thread(() -> closeQuietly(resource), "stevedore-shutdown-stop");
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        engines.forEach(Session::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception | LinkageError e) {
            // the JVM is ending; nobody is left to tell
        }
    }
}
