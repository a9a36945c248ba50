package dev.stevedore.apitest.junit.forks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.junit.Container;
import org.junit.jupiter.api.Test;

/**
 * A test class of the forked run: the fork's JVM-wide container (a base class's static field, so every subclass
 * shares it) and a container of its own class (a subclass's static field {@code own}), both running in each of its two
 * tests, which record what they saw.
 */
abstract class ForkedClass {
    @Container(scope = Container.Scope.JVM)
    static ContainerHandle jvmWide = ForkRun.JVM_WIDE;

    // a subclass's class-scoped container, a static field named own, is injected by that name

    @Test
    void first(ContainerHandle own) {
        check("first", own);
    }

    @Test
    void second(ContainerHandle own) {
        check("second", own);
    }

    private void check(String test, ContainerHandle own) {
        assertThat(jvmWide.isRunning()).as("the JVM-wide container runs").isTrue();
        assertThat(own.isRunning()).as("the class's container runs").isTrue();
        assertThat(own).isNotSameAs(jvmWide);
        ForkRun.record(getClass().getSimpleName(), test, jvmWide, own);
    }
}
