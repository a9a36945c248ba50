package dev.stevedore.junit.internal;

import dev.stevedore.dsl.Engines;
import dev.stevedore.junit.Container;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.NestedClassSelector;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * Starts opening the JVM-wide container engine ({@link Engines#openEarly()}) when a test run begins whose selected
 * classes declare {@code @Container} fields, so the engine opens while JUnit discovers the tests instead of after.
 * Registered with the JUnit Platform launcher through {@code META-INF/services}; a run that selects no such class
 * (or selects packages or class path roots, which would have to be scanned) opens nothing early, and so does a run
 * with the configuration parameter (or system property) {@code stevedore.openEngineEarly=false}.
 *
 * <p>Not public API.
 */
public final class EarlyEngineOpen implements LauncherDiscoveryListener {
    /** The configuration parameter that turns this off. */
    public static final String ENABLED = "stevedore.openEngineEarly";

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        if (!request.getConfigurationParameters().getBoolean(ENABLED).orElse(true)) {
            return;
        }
        List<String> classNames = new ArrayList<>();
        request.getSelectorsByType(ClassSelector.class).forEach(s -> classNames.add(s.getClassName()));
        request.getSelectorsByType(MethodSelector.class).forEach(s -> classNames.add(s.getClassName()));
        request.getSelectorsByType(NestedClassSelector.class).forEach(s -> classNames.add(s.getNestedClassName()));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String name : classNames) {
            if (declaresContainers(name, loader)) {
                Engines.openEarly();
                return;
            }
        }
    }

    /** Whether the class, a superclass or an enclosing class declares a {@code @Container} field; loaded, not initialized. */
    static boolean declaresContainers(String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return false; // discovery reports it; nothing to open early for
        }
        for (Class<?> outer = type; outer != null; outer = outer.getEnclosingClass()) {
            for (Class<?> c = outer; c != null && c != Object.class; c = c.getSuperclass()) {
                try {
                    for (Field field : c.getDeclaredFields()) {
                        if (field.isAnnotationPresent(Container.class)) {
                            return true;
                        }
                    }
                } catch (LinkageError e) {
                    return false;
                }
            }
        }
        return false;
    }
}
