package dev.stevedore.apitest.junit.forks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.junit.Container;
import org.junit.jupiter.api.Test;

/**
 * A test class of the forked run: the fork's JVM-wide container (a base class's static field, so every subclass
 * shares it) and a container of its own class, both running in each of its two tests, which record what they saw.
 */
abstract class ForkedClass {
    @Container(scope = Container.Scope.JVM)
    static ContainerHandle jvmWide = ForkRun.JVM_WIDE;

    /** This class's class-scoped container. */
    abstract ContainerHandle perClass();

    @Test
    void first() {
        check("first");
    }

    @Test
    void second() {
        check("second");
    }

    private void check(String test) {
        assertThat(jvmWide.isRunning()).as("the JVM-wide container runs").isTrue();
        assertThat(perClass().isRunning()).as("the class's container runs").isTrue();
        ForkRun.record(getClass().getSimpleName(), test, jvmWide, perClass());
    }
}
