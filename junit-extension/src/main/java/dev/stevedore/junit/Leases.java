package dev.stevedore.junit;

import dev.stevedore.dsl.Startable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who uses which container in this JVM: a container stops when its last user (a class, a test) lets go. Counting
 * makes a static field of a base class that two test classes running in parallel both use run once for both, and
 * stop only after both.
 *
 * <p>One instance per JVM, not per JUnit run: Surefire and Failsafe with {@code forkCount > 1} (and
 * {@code reuseForks}) hand a fork its classes one by one, each as a run of its own, so a lease kept in a run's root
 * store would stop a {@link Container.Scope#JVM JVM-scoped} container after every class. JVM-scoped containers are
 * leased for good instead: the DSL's shutdown hook stops them when the JVM ends, with every other container still
 * running then.
 *
 * <p>A container's count changes, and it is stopped, while holding the container's own monitor: a user arriving
 * while the last one leaves waits for the stop to finish and then starts it afresh.
 */
final class Leases {
    private static final Leases JVM_WIDE = new Leases();

    private final Map<Startable, Integer> counts = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Set<Startable> forTheJvm = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final Map<Object, Startable> annotationOnly = Collections.synchronizedMap(new java.util.HashMap<>());

    /** The leases of this JVM. */
    static Leases jvmWide() {
        return JVM_WIDE;
    }

    void acquire(Startable item) {
        synchronized (item) {
            counts.merge(item, 1, Integer::sum);
        }
    }

    /** Takes a lease for the rest of the JVM's life, once per container: the DSL's shutdown hook stops it. */
    void acquireForTheJvm(Startable item) {
        if (forTheJvm.add(item)) {
            acquire(item);
        }
    }

    /** The container an annotation-only JVM-scoped declaration stands for: equal annotations share one. */
    Startable sharedForAnnotation(Object key, java.util.function.Supplier<Startable> create) {
        synchronized (annotationOnly) {
            return annotationOnly.computeIfAbsent(key, k -> create.get());
        }
    }

    /** Lets go of {@code items}, stopping those nobody else uses, in parallel; failures are thrown together. */
    void releaseAll(List<? extends Startable> items) {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() == 1) {
            release(items.get(0));
            return;
        }
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (Startable item : items) {
            Thread thread = new Thread(() -> {
                try {
                    release(item);
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }, "stevedore-release");
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping containers", e);
            }
        }
        rethrow(failures);
    }

    private void release(Startable item) {
        synchronized (item) {
            Integer count = counts.get(item);
            if (count == null) {
                return;
            }
            if (count > 1) {
                counts.put(item, count - 1);
                return;
            }
            counts.remove(item);
            item.stop();
        }
    }

    static void rethrow(List<Throwable> failures) {
        if (failures.isEmpty()) {
            return;
        }
        Throwable first = failures.get(0);
        failures.stream().skip(1).forEach(first::addSuppressed);
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        throw (Error) first;
    }
}
