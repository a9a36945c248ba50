package dev.stevedore.serve.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections whose client takes too long. A unix socket channel has no read timeout (SO_TIMEOUT is for
 * {@code java.net.Socket} only), so a blocked read is ended from outside: a deadline armed before the read closes the
 * connection when it passes, which ends the read with an exception. One timer thread serves every connection; arming
 * and disarming costs a schedule and a cancel, not a thread.
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final ScheduledThreadPoolExecutor timer;

    Watchdog() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "stevedore-serve-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // a cancelled deadline leaves the queue at once: a busy connection arms one per request
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A deadline for one connection: at most one armed at a time. */
    Deadline deadline(Closeable connection) {
        return new Deadline(connection);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** At most one wait timed at a time; armed by whichever thread reads the connection. */
    final class Deadline {
        private final Closeable connection;
        private ScheduledFuture<?> pending;
        private volatile String expired;

        private Deadline(Closeable connection) {
            this.connection = connection;
        }

        /** Closes the connection after {@code timeout} unless disarmed or re-armed first; {@code what} names the wait. */
        synchronized void arm(Duration timeout, String what) {
            disarm();
            if (timer.isShutdown()) {
                return;
            }
            pending = timer.schedule(() -> {
                expired = what;
                LOG.info("closing a Docker API connection: {} took longer than {} s", what, timeout.toSeconds());
                try {
                    connection.close();
                } catch (IOException e) {
                    // closed either way
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        synchronized void disarm() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }

        /** What the connection was waiting for when its deadline closed it, or {@code null}. */
        String expired() {
            return expired;
        }
    }
}
