package dev.stevedore.dsl.internal;

import dev.stevedore.dsl.Startable;
import dev.stevedore.engine.ContainerEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Starts several {@link Startable}s at once, each as soon as what it depends on is ready, and stops them in
 * the reverse order, again in parallel where nothing depends on what is being stopped.
 */
public final class StartPlan {

    private StartPlan() {
    }

    /**
     * Starts {@code items} and everything they depend on (what runs already counts as started). When one fails,
     * what this call started is stopped again and the first failure is thrown, the others suppressed in it.
     */
    public static void startAll(ContainerEngine engine, Collection<? extends Startable> items) {
        List<Startable> all = closure(items);
        Set<Startable> startedHere = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        try {
            run(all, Startable::dependencies, item -> {
                if (!item.isRunning()) {
                    item.start(engine);
                    startedHere.add(item);
                }
            }, "stevedore-start");
        } catch (RuntimeException | Error failure) {
            List<Startable> toStop = new ArrayList<>();
            for (Startable item : all) {
                if (startedHere.contains(item)) {
                    toStop.add(item);
                }
            }
            try {
                stopAll(toStop);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
    }

    /** Stops {@code items}, each after everything among them that depends on it. */
    public static void stopAll(Collection<? extends Startable> items) {
        List<Startable> all = new ArrayList<>(items);
        Map<Startable, List<Startable>> dependents = new IdentityHashMap<>();
        for (Startable item : all) {
            dependents.computeIfAbsent(item, k -> new ArrayList<>());
        }
        for (Startable item : all) {
            for (Startable dependency : item.dependencies()) {
                if (dependents.containsKey(dependency)) {
                    dependents.get(dependency).add(item);
                }
            }
        }
        run(all, dependents::get, Startable::stop, "stevedore-stop");
    }

    /** {@code items} and, transitively, their dependencies; dependencies first. */
    static List<Startable> closure(Collection<? extends Startable> items) {
        Set<Startable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Startable> ordered = new ArrayList<>();
        for (Startable item : items) {
            visit(item, seen, new LinkedHashSet<>(), ordered);
        }
        return ordered;
    }

    private static void visit(Startable item, Set<Startable> seen, Set<Startable> path, List<Startable> ordered) {
        if (seen.contains(item)) {
            return;
        }
        if (!path.add(item)) {
            throw new IllegalArgumentException("dependency cycle through " + item);
        }
        for (Startable dependency : item.dependencies()) {
            visit(dependency, seen, path, ordered);
        }
        path.remove(item);
        seen.add(item);
        ordered.add(item);
    }

    /**
     * Runs {@code action} on every item once every item {@code before} names (among {@code items}) is done; in the
     * caller's thread when there is one item. Items whose predecessors failed are skipped.
     */
    private static void run(List<Startable> items, java.util.function.Function<Startable, List<? extends Startable>> before,
                            Consumer<Startable> action, String threadName) {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() == 1) {
            action.accept(items.get(0));
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(items.size(), 16), r -> {
            Thread t = new Thread(r, threadName + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Startable, CompletableFuture<Void>> futures = new IdentityHashMap<>();
            List<Startable> pending = new ArrayList<>(items);
            // schedule in an order where every predecessor is scheduled first
            while (!pending.isEmpty()) {
                boolean progressed = false;
                for (Startable item : List.copyOf(pending)) {
                    List<CompletableFuture<Void>> waitFor = new ArrayList<>();
                    boolean ready = true;
                    for (Startable predecessor : before.apply(item)) {
                        if (!items.contains(predecessor)) {
                            continue;
                        }
                        CompletableFuture<Void> f = futures.get(predecessor);
                        if (f == null) {
                            ready = false;
                            break;
                        }
                        waitFor.add(f);
                    }
                    if (ready) {
                        futures.put(item, CompletableFuture.allOf(waitFor.toArray(new CompletableFuture[0]))
                                .thenRunAsync(() -> action.accept(item), pool));
                        pending.remove(item);
                        progressed = true;
                    }
                }
                if (!progressed) {
                    throw new IllegalArgumentException("dependency cycle among " + pending);
                }
            }
            List<Throwable> failures = new ArrayList<>();
            for (Startable item : items) {
                try {
                    futures.get(item).get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                            ? e.getCause().getCause() : e.getCause();
                    if (!failures.contains(cause)) {
                        failures.add(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + item, e);
                }
            }
            if (!failures.isEmpty()) {
                Throwable first = failures.get(0);
                failures.stream().skip(1).forEach(first::addSuppressed);
                if (first instanceof RuntimeException) {
                    throw (RuntimeException) first;
                }
                if (first instanceof Error) {
                    throw (Error) first;
                }
                throw new IllegalStateException(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
