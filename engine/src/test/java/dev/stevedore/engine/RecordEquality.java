package dev.stevedore.engine;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds a record's written-out {@code equals} and {@code hashCode} (written out to keep ObjectMethods' bootstrap off
 * short commands' paths) to what the generated ones do: equal components make equal records with equal hash codes,
 * and a difference in any one component makes them differ — so a component added later and left out is caught.
 */
public final class RecordEquality {
    private RecordEquality() {
    }

    /**
     * {@code a} and {@code b}: two records of one type that differ in every component that can differ (one a
     * record's validation pins, such as a digest's algorithm, is left out).
     */
    public static <R extends Record> void assertCoversEveryComponent(R a, R b) throws ReflectiveOperationException {
        RecordComponent[] components = a.getClass().getRecordComponents();
        Constructor<?> canonical = a.getClass().getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        canonical.setAccessible(true);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            components[i].getAccessor().setAccessible(true);
            values[i] = components[i].getAccessor().invoke(a);
        }
        Object copy = canonical.newInstance(values.clone());
        assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a).isNotEqualTo(null).isNotEqualTo(new Object());
        for (int i = 0; i < components.length; i++) {
            Object other = components[i].getAccessor().invoke(b);
            if (java.util.Objects.equals(other, values[i])) {
                continue;
            }
            Object[] changed = values.clone();
            changed[i] = other;
            assertThat(canonical.newInstance(changed)).as("%s differing in %s", a.getClass().getSimpleName(),
                    components[i].getName()).isNotEqualTo(a);
        }
    }
}
