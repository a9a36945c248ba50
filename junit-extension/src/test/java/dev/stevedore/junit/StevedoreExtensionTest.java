package dev.stevedore.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.ContainerNotReadyException;
import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.dsl.fake.FakeEngine;
import dev.stevedore.dsl.fake.FakeEngines;
import dev.stevedore.engine.ContainerEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension's own logic (scopes, parallel start, injection, misuse, reports) through JUnit's EngineTestKit, on
 * the DSL tests' in-memory engine (made the JVM-wide engine below). The same behaviour is
 * checked on the real engines by the ITs.
 */
class StevedoreExtensionTest {
    static {
        // before anything asks for the JVM-wide engine; set here, a -Dstevedore.engine on Maven's command line cannot win
        System.setProperty("stevedore.engine", FakeEngines.class.getName());
    }

    static final FakeEngine ENGINE = FakeEngines.ENGINE;
    static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());

    private static EngineExecutionResults run(Class<?>... classes) {
        SEEN.clear();
        var request = EngineTestKit.engine("junit-jupiter");
        for (Class<?> type : classes) {
            request.selectors(selectClass(type));
        }
        return request.execute();
    }

    private static long created(String name) {
        return ENGINE.events.stream().filter(e -> e.startsWith("create " + name + "-")).count();
    }

    private static boolean anyLeft(String name) {
        return ENGINE.containers().stream().anyMatch(c -> c.name.startsWith(name + "-"));
    }

    // ---- scopes ---------------------------------------------------------------------------------------------

    static class Scopes {
        @Container
        static ContainerHandle perClass = Stevedore.container("app:1", c -> c.name("scopes-class"));
        @Container
        ContainerHandle perTest = Stevedore.container("app:1", c -> c.name("scopes-test"));

        @Test
        void first() {
            SEEN.add(perClass.id() + " " + perTest.id());
        }

        @Test
        void second() {
            SEEN.add(perClass.id() + " " + perTest.id());
        }
    }

    @Test
    void aStaticFieldRunsForItsClassAndAnInstanceFieldForEachTest() {
        run(Scopes.class).testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).hasSize(2);
        String[] first = SEEN.get(0).split(" ");
        String[] second = SEEN.get(1).split(" ");
        assertThat(first[0]).isEqualTo(second[0]);
        assertThat(first[1]).isNotEqualTo(second[1]);
        assertThat(created("scopes-class")).isEqualTo(1);
        assertThat(created("scopes-test")).isEqualTo(2);
        assertThat(anyLeft("scopes-class")).as("stopped after the class").isFalse();
        assertThat(anyLeft("scopes-test")).as("stopped after each test").isFalse();
    }

    static class Parallel {
        static final CountDownLatch BOTH_RUNNING = new CountDownLatch(2);

        static {
            ENGINE.program("parallel:1", p -> {
                BOTH_RUNNING.countDown();
                p.await(BOTH_RUNNING).log("go");
            });
        }

        @Container
        static ContainerHandle a = Stevedore.container("parallel:1", c -> c.name("parallel-a").waitFor(Wait.logMessage("go")));
        @Container
        static ContainerHandle b = Stevedore.container("parallel:1", c -> c.name("parallel-b").waitFor(Wait.logMessage("go")));

        @Test
        void bothReady() {
            assertThat(a.isReady() && b.isReady()).isTrue();
        }
    }

    @Test
    void theContainersOfAClassStartInParallel() {
        // each is ready only once both run: one after the other, the first would wait in vain
        run(Parallel.class).testEvents().assertStatistics(s -> s.succeeded(1));
    }

    static class Dependent {
        @Container
        static ContainerHandle db = Stevedore.container("db:1", c -> c.name("dependent-db"));
        @Container
        static ContainerHandle api = Stevedore.container("api:1", c -> c.name("dependent-api").dependsOn(db));

        @Test
        void started() {
            assertThat(api.isRunning()).isTrue();
        }
    }

    @Test
    void dependenciesBetweenFieldsOrderTheStart() {
        run(Dependent.class).testEvents().assertStatistics(s -> s.succeeded(1));
        List<String> events = ENGINE.events;
        int dbStart = indexOf(events, "start dependent-db-");
        int apiCreate = indexOf(events, "create dependent-api-");
        assertThat(dbStart).isNotNegative().isLessThan(apiCreate);
    }

    private static int indexOf(List<String> events, String prefix) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    static final class SharedHolder {
        static final ContainerHandle SHARED = Stevedore.container("app:1", c -> c.name("jvm-shared"));
    }

    static class JvmScopeOne {
        @Container(scope = Container.Scope.JVM)
        static ContainerHandle shared = SharedHolder.SHARED;

        @Test
        void uses() {
            SEEN.add(shared.id());
        }
    }

    static class JvmScopeTwo {
        @Container(scope = Container.Scope.JVM)
        static ContainerHandle shared = SharedHolder.SHARED;

        @Test
        void uses() {
            SEEN.add(shared.id());
        }
    }

    @Test
    void aJvmScopedContainerIsSharedByClassesAndByLaterRunsInTheSameJvm() {
        run(JvmScopeOne.class, JvmScopeTwo.class).testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        String first = SEEN.get(0);

        // Surefire with forkCount > 1 runs each class of a fork as a run of its own
        run(JvmScopeTwo.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SEEN).containsExactly(first);
        assertThat(created("jvm-shared")).isEqualTo(1);
        assertThat(anyLeft("jvm-shared")).as("kept until the JVM ends").isTrue();
        // what the DSL's shutdown hook does when the JVM ends
        SharedHolder.SHARED.stop();
        assertThat(anyLeft("jvm-shared")).isFalse();
    }

    static class AnnotationOnly {
        static {
            ENGINE.program("busybox", p -> p.listen(8080));
        }

        @Container(image = "busybox", ports = 8080, env = {"MODE=test", "EMPTY="}, command = {"httpd", "-f"})
        ContainerHandle web;
        @Container(image = "busybox", name = "named-box")
        static ContainerHandle box;

        @Test
        void receivesTheStartedHandle() {
            SEEN.add(web.id());
            FakeEngine.FakeContainer container = ENGINE.container(web.id());
            assertThat(container.spec.env()).containsExactly("MODE=test", "EMPTY=");
            assertThat(container.spec.cmd()).containsExactly("httpd", "-f");
            assertThat(container.spec.ports()).hasSize(1);
            assertThat(web.name()).isEqualTo("web");
            assertThat(box.name()).isEqualTo("named-box");
            assertThat(box.isRunning()).isTrue();
        }
    }

    @Test
    void anAnnotationAloneDescribesASimpleContainer() {
        EngineExecutionResults results = run(AnnotationOnly.class);
        results.testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).hasSize(1);
    }

    // ---- parameters -----------------------------------------------------------------------------------------

    static class Parameters {
        @Container
        static ContainerHandle cache = Stevedore.container("app:1", c -> c.name("param-cache"));
        @Container
        static ContainerHandle queue = Stevedore.container("app:1", c -> c.name("param-queue"));
        @Container
        static Environment env = Stevedore.environment(e -> e.container("param-api", "app:1"));

        @BeforeAll
        static void beforeAll(ContainerHandle cache, ContainerEngine engine) {
            SEEN.add("beforeAll " + (cache == Parameters.cache) + " " + (engine == ENGINE));
        }

        @Test
        void byName(ContainerHandle queue, ContainerHandle cache) {
            SEEN.add("byName " + (queue == Parameters.queue) + " " + (cache == Parameters.cache));
        }

        @Test
        void byContainerName(ContainerHandle paramQueue) {
            SEEN.add("byContainerName " + (paramQueue == Parameters.queue));
        }

        @Test
        void ambiguous(ContainerHandle other) {
            // neither a field nor a container is called other: no way to choose
        }

        @Test
        void environmentMembers(Environment env) {
            SEEN.add("env " + env.container("param-api").isRunning());
        }
    }

    @Test
    void containersAreInjectedByTypeAndName() {
        Events tests = run(Parameters.class).testEvents();
        tests.assertStatistics(s -> s.succeeded(3).failed(1));
        tests.assertThatEvents().haveExactly(1, event(test("ambiguous"), finishedWithFailure(
                instanceOf(ParameterResolutionException.class),
                message(m -> m.startsWith("parameter other of ambiguous: several containers are ContainerHandles (")
                        && m.contains("cache") && m.contains("param-queue") && m.contains("param-api")
                        && m.endsWith("name the parameter like one of them")))));
        assertThat(SEEN).contains("beforeAll true true", "byName true true", "byContainerName true", "env true");
    }

    // ---- misuse ---------------------------------------------------------------------------------------------

    static class NullField {
        @Container
        static ContainerHandle db;

        @Test
        void test() {
        }
    }

    static class NotAContainer {
        @Container
        static String db = "postgres";

        @Test
        void test() {
        }
    }

    static class JvmInstance {
        @Container(scope = Container.Scope.JVM)
        ContainerHandle db = Stevedore.container("app:1");

        @Test
        void test() {
        }
    }

    static class ValueAndImage {
        @Container(image = "busybox")
        static ContainerHandle db = Stevedore.container("app:1");

        @Test
        void test() {
        }
    }

    static class FinalAnnotationOnly {
        @Container(image = "busybox")
        final ContainerHandle db = null;

        @Test
        void test() {
        }
    }

    static class PortsWithoutImage {
        @Container(ports = 5432)
        static ContainerHandle db = Stevedore.container("app:1");

        @Test
        void test() {
        }
    }

    @Test
    void misuseFailsNamingTheField() {
        assertMisuse(NullField.class, "@Container field NullField.db is null: give it a value (Stevedore.container(...), "
                + "Postgres.container(...)) or name an image (@Container(image = \"...\"))");
        assertMisuse(NotAContainer.class, "@Container field NotAContainer.db is declared as java.lang.String, which is not "
                + "a container");
        assertMisuse(JvmInstance.class, "@Container field JvmInstance.db is an instance field, and instance fields are new "
                + "for every test; Scope.JVM needs a static field");
        assertMisuse(ValueAndImage.class, "@Container field ValueAndImage.db has a value and names an image in "
                + "@Container(image = \"busybox\"); use one of the two");
        assertMisuse(FinalAnnotationOnly.class, "@Container field FinalAnnotationOnly.db is final");
        assertMisuse(PortsWithoutImage.class, "@Container field PortsWithoutImage.db sets name, ports, env, command or "
                + "waitForLog on @Container without an image");
    }

    private static void assertMisuse(Class<?> type, String expected) {
        EngineExecutionResults results = run(type);
        List<Throwable> failures = new ArrayList<>();
        results.allEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(failures::add));
        assertThat(failures).as(type.getSimpleName()).isNotEmpty();
        assertThat(failures.get(0)).isInstanceOf(ExtensionConfigurationException.class);
        assertThat(failures.get(0).getMessage()).startsWith(expected);
    }

    // ---- reports --------------------------------------------------------------------------------------------

    static class FailingTest {
        static {
            ENGINE.program("chatty:1", p -> {
                for (int i = 1; i <= 60; i++) {
                    p.log("chatty line " + i);
                }
                p.log("ready");
            });
        }

        @Container
        static ContainerHandle chatty = Stevedore.container("chatty:1", c -> c.name("chatty").waitFor(Wait.logMessage("ready")));

        @Test
        void fails() {
            assertThat(1).isEqualTo(2);
        }
    }

    @Test
    void aFailedTestCarriesTheLastLogLinesOfItsContainers() {
        EngineExecutionResults results = run(FailingTest.class);
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertThat(failure.getSuppressed()).hasSize(1);
        String report = failure.getSuppressed()[0].getMessage();
        assertThat(report).startsWith("container \"chatty\" (chatty:1, ").contains("its last 50 log lines:\n| chatty line 12\n")
                .endsWith("| chatty line 60\n| ready");
        List<Map<String, String>> entries = new ArrayList<>();
        results.allEvents().reportingEntryPublished().stream()
                .forEach(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class)
                        .ifPresent(r -> entries.add(r.getKeyValuePairs())));
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("stevedore.logs.chatty", report));
    }

    static class FailingStart {
        static {
            ENGINE.program("crashing:1", p -> {
                p.logError("FATAL: cannot open data directory");
                p.exit(1);
            });
        }

        @Container
        static ContainerHandle crashing = Stevedore.container("crashing:1", c -> c.name("crashing")
                .waitFor(Wait.logMessage("ready")));

        @Test
        void neverRuns() {
        }
    }

    @Test
    void aContainerThatFailsToStartFailsItsClassWithItsLogs() {
        EngineExecutionResults results = run(FailingStart.class);
        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
                instanceOf(ContainerNotReadyException.class),
                message(m -> m.startsWith("container \"crashing\" (crashing:1) exited with code 1")
                        && m.contains("| FATAL: cannot open data directory")))));
        assertThat(anyLeft("crashing")).isFalse();
    }

    // ---- parallel execution ---------------------------------------------------------------------------------

    abstract static class SharedBase {
        static final java.util.concurrent.CyclicBarrier BOTH_CLASSES_RUNNING = new java.util.concurrent.CyclicBarrier(2);

        @Container
        static ContainerHandle shared = Stevedore.container("app:1", c -> c.name("base-shared"));

        @Test
        void meetTheOtherClass() throws Exception {
            SEEN.add(shared.id());
            BOTH_CLASSES_RUNNING.await(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    static class SubclassOne extends SharedBase {
    }

    static class SubclassTwo extends SharedBase {
    }

    @Test
    void classesRunningInParallelShareTheirBaseClassesContainerAndStopItAfterBoth() {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .selectors(selectClass(SubclassOne.class), selectClass(SubclassTwo.class))
                .execute().testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        assertThat(created("base-shared")).isEqualTo(1);
        assertThat(anyLeft("base-shared")).isFalse();
    }

    // ---- nesting --------------------------------------------------------------------------------------------

    static class Outer {
        @Container
        static ContainerHandle outerClass = Stevedore.container("app:1", c -> c.name("outer-class"));
        @Container
        ContainerHandle outerTest = Stevedore.container("app:1", c -> c.name("outer-test"));

        @Nested
        class Inner {
            @Container
            ContainerHandle innerTest = Stevedore.container("app:1", c -> c.name("inner-test"));

            @Test
            void seesAllThree() {
                SEEN.add(outerClass.isRunning() + " " + outerTest.isRunning() + " " + innerTest.isRunning());
            }
        }
    }

    @Test
    void nestedTestsGetTheContainersOfTheirEnclosingInstances() {
        run(Outer.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).containsExactly("true true true");
        assertThat(anyLeft("outer-test") || anyLeft("inner-test") || anyLeft("outer-class")).isFalse();
    }

    @AfterAll
    static void nothingLeft() {
        assertThat(ENGINE.containers()).isEmpty();
    }

}
