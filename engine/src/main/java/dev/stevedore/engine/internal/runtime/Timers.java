package dev.stevedore.engine.internal.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the runtime's deadlines (a launcher that never reaches the barrier, an exec
 * that outlives its timeout). The tasks only kill processes or send a record: they never block.
 */
final class Timers {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stevedore-runtime-timer");
        t.setDaemon(true);
        return t;
    });

    private Timers() {
    }

    static ScheduledFuture<?> after(Duration delay, Runnable task) {
        return TIMER.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }
}
