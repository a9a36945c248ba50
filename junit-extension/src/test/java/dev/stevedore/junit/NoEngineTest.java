package dev.stevedore.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * A JVM without a usable engine (the build runs this class in a JVM of its own, where {@code stevedore.engine} names a
 * class that does not exist): tests fail saying what was tried, unless they opted into being disabled.
 */
class NoEngineTest {
    static {
        System.setProperty("stevedore.engine", "dev.stevedore.junit.NoSuchEngineSupplier");
    }

    static class NeedsAnEngine {
        @Container
        static ContainerHandle db = Stevedore.container("postgres:15");

        @Test
        void test() {
        }
    }

    @DisabledWithoutEngine
    static class FineWithout {
        @Container
        static ContainerHandle db = Stevedore.container("postgres:15");

        @Test
        void test() {
        }
    }

    @Test
    void withoutAnEngineTheErrorSaysWhatWasTried() {
        Events classes = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NeedsAnEngine.class)).execute().containerEvents();
        classes.assertThatEvents().haveExactly(1, event(finishedWithFailure(instanceOf(ContainerEngineException.class),
                message(m -> m.startsWith("no container engine could be opened: the engine supplier class "
                        + "dev.stevedore.junit.NoSuchEngineSupplier (STEVEDORE_ENGINE=dev.stevedore.junit.NoSuchEngineSupplier) failed")
                        && m.contains("no class dev.stevedore.junit.NoSuchEngineSupplier")
                        && m.endsWith("STEVEDORE_ENGINE must be embedded, docker, or a class implementing Supplier<ContainerEngine>")))));
    }

    @Test
    void theOptInAnnotationDisablesInstead() {
        Events classes = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FineWithout.class)).execute().containerEvents();
        assertThat(classes.skipped().count()).isEqualTo(1);
        assertThat(classes.skipped().stream().findFirst().orElseThrow()
                .getPayload(String.class).orElseThrow()).startsWith("@DisabledWithoutEngine: no container engine could be opened");
    }
}
