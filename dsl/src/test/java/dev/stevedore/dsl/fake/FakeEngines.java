package dev.stevedore.dsl.fake;

import dev.stevedore.engine.ContainerEngine;
import java.util.function.Supplier;

/**
 * {@code STEVEDORE_ENGINE=dev.stevedore.dsl.fake.FakeEngines} makes the JVM-wide engine one shared
 * {@link FakeEngine}, for unit tests of code that uses {@code Engines.shared()}.
 */
public final class FakeEngines implements Supplier<ContainerEngine> {
    /** The engine every instance supplies. */
    public static final FakeEngine ENGINE = new FakeEngine();

    @Override
    public ContainerEngine get() {
        return ENGINE;
    }
}
