package dev.stevedore.dsl;

/**
 * The DSL's configuration lambda: receives a mutable spec that is valid only while the lambda runs, and
 * fills it in. The spec is then validated and frozen into an immutable definition.
 *
 * <p>It throws no checked exceptions on purpose: configuration reads values, it does no I/O that could
 * fail half way. Marked {@link StevedoreDsl} for Kotlin's sam-with-receiver plugin.
 *
 * @param <T> the spec being configured
 */
@StevedoreDsl
@FunctionalInterface
public interface Configurer<T> {

    /** Fills in {@code spec}. */
    void configure(T spec);

    /** A configurer that changes nothing. */
    static <T> Configurer<T> none() {
        return spec -> { };
    }
}
