package dev.stevedore.apitest.junit.forks;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.junit.Container;

/** One of the four classes the forked run spreads over two JVMs ({@link ForkedClass}). */
class FourForkIT extends ForkedClass {
    @Container
    static ContainerHandle own = ForkRun.sleeper("fork-class-four");
}
