package dev.stevedore.apitest.junit;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.junit.Container;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The extension under JUnit's parallel execution ({@code junit.jupiter.execution.parallel.enabled}, classes and methods
 * concurrent): four classes that share a JVM-scoped container and each have a class-scoped one of their own, started
 * at the same time by four threads. Every test passes, the shared container is started once, each class's once, and
 * the class-scoped ones are gone afterwards.
 */
class ParallelExtensionIT {
    static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());
    static final Set<String> CLASSES_STARTED = ConcurrentHashMap.newKeySet();
    /** Opens once tests of two classes have begun: a test that finds it shut for long ran without company. */
    static final CountDownLatch TWO_CLASSES_RUNNING = new CountDownLatch(2);

    private final ContainerEngine engine = ItEngine.get();

    static final class Holder {
        static final ContainerHandle JVM_WIDE = Stevedore.container("busybox", c -> c.name("par-jvm-wide").command("sleep", "3600"));
    }

    /** The class-scoped container of one of the classes below: each class must have its own. */
    static ContainerHandle own(String name) {
        return Stevedore.container("busybox", c -> c.name(name).command("sleep", "3600"));
    }

    abstract static class Parallel {
        @Container(scope = Container.Scope.JVM)
        static ContainerHandle jvmWide = Holder.JVM_WIDE;

        @Test
        void first(ContainerHandle own) throws InterruptedException {
            check("first", own);
        }

        @Test
        void second(ContainerHandle own) throws InterruptedException {
            check("second", own);
        }

        private void check(String test, ContainerHandle own) throws InterruptedException {
            if (CLASSES_STARTED.add(getClass().getSimpleName())) {
                TWO_CLASSES_RUNNING.countDown();
            }
            assertThat(TWO_CLASSES_RUNNING.await(30, TimeUnit.SECONDS)).as("a test of another class ran at the same time").isTrue();
            assertThat(jvmWide.isRunning()).isTrue();
            assertThat(own.isRunning()).isTrue();
            SEEN.add(getClass().getSimpleName() + " " + test + " " + jvmWide.id() + " " + own.id());
        }
    }

    // each class's container is injected into its tests by the field's name, own

    static class ParallelA extends Parallel {
        @Container
        static ContainerHandle own = own("par-a");
    }

    static class ParallelB extends Parallel {
        @Container
        static ContainerHandle own = own("par-b");
    }

    static class ParallelC extends Parallel {
        @Container
        static ContainerHandle own = own("par-c");
    }

    static class ParallelD extends Parallel {
        @Container
        static ContainerHandle own = own("par-d");
    }

    @AfterAll
    static void stopTheJvmWideContainer() {
        Holder.JVM_WIDE.stop();
    }

    @Test
    void classesAndTestsRunInParallelSharingTheJvmScopedContainerAndLeavingNothing() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .selectors(selectClass(ParallelA.class), selectClass(ParallelB.class), selectClass(ParallelC.class),
                        selectClass(ParallelD.class))
                .execute();

        results.allEvents().failed().stream().findFirst().ifPresent(failed -> {
            throw new AssertionError("failed: " + failed, failed.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElse(null));
        });
        results.testEvents().assertStatistics(s -> s.succeeded(8).failed(0));
        assertThat(SEEN.stream().map(l -> l.split(" ")[2]).distinct()).as("JVM-scoped container ids").hasSize(1);
        Map<String, Set<String>> perClass = SEEN.stream().collect(groupingBy(l -> l.split(" ")[0], mapping(l -> l.split(" ")[3], toSet())));
        assertThat(perClass).hasSize(4).allSatisfy((type, ids) -> assertThat(ids).as(type).hasSize(1));
        assertThat(perClass.values().stream().flatMap(Set::stream).distinct()).hasSize(4);
        for (String name : List.of("par-a", "par-b", "par-c", "par-d")) {
            assertThat(engine.containers(true, Map.of("dev.stevedore.name", name))).as("containers of %s left", name).isEmpty();
        }
        assertThat(engine.containers(true, Map.of("dev.stevedore.name", "par-jvm-wide"))).as("kept until the JVM ends").hasSize(1);
    }
}
