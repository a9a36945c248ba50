package dev.stevedore.engine.internal.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrossProcessLockTest {
    @TempDir
    Path dir;

    @Test
    void exclusiveHoldersNeverOverlap() throws Exception {
        Path file = dir.resolve("x.lock");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (CrossProcessLock ignored = CrossProcessLock.acquire(file)) {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(most).hasValue(1);
    }

    @Test
    void sharedHoldersHoldTogetherAndKeepAnExclusiveOneOut() throws Exception {
        Path file = dir.resolve("gc.lock");
        try (CrossProcessLock first = CrossProcessLock.acquireShared(file)) {
            CountDownLatch secondHeld = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                try (CrossProcessLock second = CrossProcessLock.acquireShared(file)) {
                    secondHeld.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            other.start();
            assertThat(secondHeld.await(10, TimeUnit.SECONDS)).isTrue();
            other.join(10_000);

            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<CrossProcessLock> attempt = pool.submit(() -> CrossProcessLock.tryAcquire(file));
                assertThat(attempt.get(10, TimeUnit.SECONDS)).isNull();
            } finally {
                pool.shutdownNow();
            }
        }
        try (CrossProcessLock exclusive = CrossProcessLock.tryAcquire(file)) {
            assertThat(exclusive).isNotNull();
        }
    }

    @Test
    void aThreadCannotTakeALockItHolds() throws Exception {
        Path file = dir.resolve("y.lock");
        try (CrossProcessLock held = CrossProcessLock.acquire(file)) {
            assertThatThrownBy(() -> CrossProcessLock.acquire(file)).isInstanceOf(IllegalStateException.class);
        }
        try (CrossProcessLock again = CrossProcessLock.acquire(file)) {
            assertThat(again).isNotNull();
        }
    }
}
