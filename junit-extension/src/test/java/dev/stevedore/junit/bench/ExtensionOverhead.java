package dev.stevedore.junit.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.junit.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Benchmark (not a test): what the extension adds to every test of a class whose container is class-scoped. Runs
 * {@value #TESTS} empty tests in a class with a static {@code @Container} and in the same class without one, several
 * rounds after a few to warm up, and prints the median per-test difference, measured from the first test's start to the last test's end
 * (the container's own start is before that and not counted).
 *
 * <p>Run from the repository root after {@code mvn -q -pl junit-extension -am test-compile}:
 * <pre>
 * mvn -o -q -pl junit-extension -am dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp junit-extension/target/test-classes:junit-extension/target/classes:dsl/target/classes:dsl/target/test-classes:$(cat /tmp/cp.txt) \
 *      dev.stevedore.junit.bench.ExtensionOverhead
 * </pre>
 * The engine is the JVM-wide one ({@code STEVEDORE_ENGINE}; busybox from {@code STEVEDORE_REGISTRY_MIRROR}).
 */
public final class ExtensionOverhead {
    static final int TESTS = 2000;
    static final int WARM_UP_ROUNDS = 3;
    static final int ROUNDS = 9;

    /** A class-scoped container and many tests. */
    public static class WithContainer {
        @Container
        static ContainerHandle box = Stevedore.container("busybox", c -> c.name("overhead").command("sleep", "3600"));

        @RepeatedTest(TESTS)
        void test() {
        }
    }

    /** The same tests without the extension. */
    public static class Plain {
        @RepeatedTest(TESTS)
        void test() {
        }
    }

    public static void main(String[] args) {
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            perTest(WithContainer.class);
            perTest(Plain.class);
        }
        List<Double> differences = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            double with = perTest(WithContainer.class);
            double without = perTest(Plain.class);
            differences.add(with - without);
            System.out.printf("round %d: with @Container %.1f µs/test, without %.1f µs/test%n", round + 1, with, without);
        }
        Collections.sort(differences);
        System.out.printf("median per-test overhead of the extension: %.1f µs (over %d tests, %d rounds)%n",
                differences.get(ROUNDS / 2), TESTS, ROUNDS);
    }

    /** Microseconds per test, from the first test's start to the last test's finish. */
    private static double perTest(Class<?> type) {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute().testEvents();
        if (tests.failed().count() > 0) {
            throw new IllegalStateException(type.getSimpleName() + " had failures: " + tests.failed().list());
        }
        Instant first = tests.started().stream().map(Event::getTimestamp).min(Instant::compareTo).orElseThrow();
        Instant last = tests.finished().stream().map(Event::getTimestamp).max(Instant::compareTo).orElseThrow();
        return Duration.between(first, last).toNanos() / 1000.0 / TESTS;
    }
}
