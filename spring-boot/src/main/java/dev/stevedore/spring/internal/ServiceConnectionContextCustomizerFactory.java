package dev.stevedore.spring.internal;

import dev.stevedore.spring.ServiceConnection;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@link ServiceConnection} fields of a Spring test class (its superclasses and, for {@code @Nested}
 * classes, the enclosing ones too). Registered in {@code META-INF/spring.factories}, so spring-test asks it about
 * every test class.
 */
public final class ServiceConnectionContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        List<Field> fields = new ArrayList<>();
        collect(testClass, fields);
        return fields.isEmpty() ? null : new ServiceConnectionContextCustomizer(fields);
    }

    private static void collect(Class<?> type, List<Field> fields) {
        ReflectionUtils.doWithFields(type, field -> {
            if (!Modifier.isStatic(field.getModifiers())) {
                // the application context is made before any instance of the test class, and outlives it
                throw new IllegalStateException("@ServiceConnection on field " + field.getDeclaringClass().getSimpleName() + "."
                        + field.getName() + ": the field must be static (one application context serves every test"
                        + " of the class); make it static, or declare the container as a @Bean in a @TestConfiguration");
            }
            fields.add(field);
        }, field -> field.isAnnotationPresent(ServiceConnection.class));
        if (TestContextAnnotationUtils.searchEnclosingClass(type)) {
            collect(type.getEnclosingClass(), fields);
        }
    }
}
