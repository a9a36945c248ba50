/**
 * Containers for JUnit Jupiter tests: a field annotated {@link dev.stevedore.junit.Container} runs while its scope
 * (the class, the test, or the whole JVM) does. The annotation alone switches the extension on;
 * {@link dev.stevedore.junit.DisabledWithoutEngine} opts a test out of failing where no container engine is usable.

 *
 * <p>Nothing here is null unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.stevedore.junit;

import org.jspecify.annotations.NullMarked;
