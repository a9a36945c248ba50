package dev.stevedore.junit;

import dev.stevedore.dsl.Startable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The containers one scope (a class, a test) holds leases on, kept in that scope's store: JUnit closes it when the
 * scope ends, which lets go of them. Also what the failure report of that scope shows.
 */
final class ScopeResources implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final Leases leases;
    private final List<Startable> leased = new ArrayList<>();
    private final List<Startable> reported = new ArrayList<>();

    ScopeResources(Leases leases) {
        this.leases = leases;
    }

    /** Takes leases on {@code items}, released when this scope ends. */
    synchronized void lease(List<? extends Startable> items) {
        for (Startable item : items) {
            leases.acquire(item);
            leased.add(item);
        }
    }

    /** Shows {@code items} in this scope's failure reports without leasing them (JVM-scoped ones). */
    synchronized void report(List<? extends Startable> items) {
        reported.addAll(items);
    }

    synchronized List<Startable> reported() {
        List<Startable> all = new ArrayList<>(leased);
        reported.stream().filter(r -> all.stream().noneMatch(a -> a == r)).forEach(all::add);
        return all;
    }

    @Override
    public void close() {
        List<Startable> items;
        synchronized (this) {
            items = new ArrayList<>(leased);
            leased.clear();
        }
        leases.releaseAll(items);
    }
}
