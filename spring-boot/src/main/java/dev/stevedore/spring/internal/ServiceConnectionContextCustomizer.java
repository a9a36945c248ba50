package dev.stevedore.spring.internal;

import dev.stevedore.dsl.Startable;
import dev.stevedore.spring.ContainerConnectionSource;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ReflectionUtils;

/**
 * Adds the connection details of a test class's {@code @ServiceConnection} fields to its application context, and
 * stops at the context's end the containers it started. Equal customizers (the same containers) share a cached
 * context, as spring-test's context cache expects.
 */
final class ServiceConnectionContextCustomizer implements ContextCustomizer {
    private final List<Field> fields;
    private final List<Object> containers;

    ServiceConnectionContextCustomizer(List<Field> fields) {
        this.fields = List.copyOf(fields);
        this.containers = fields.stream().map(ServiceConnectionContextCustomizer::value).toList();
    }

    private static Object value(Field field) {
        ReflectionUtils.makeAccessible(field);
        Object value = ReflectionUtils.getField(field, null);
        if (!(value instanceof Startable)) {
            throw new IllegalStateException("@ServiceConnection on field " + origin(field) + ": it holds "
                    + (value == null ? "null" : "a " + value.getClass().getName()) + ", not a Stevedore container;"
                    + " initialise it where it is declared, e.g. Postgres.container(\"postgres:16\")");
        }
        return value;
    }

    private static String origin(Field field) {
        return field.getDeclaringClass().getSimpleName() + "." + field.getName();
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("@ServiceConnection: the application context's bean factory "
                    + context.getBeanFactory().getClass().getName() + " takes no bean definitions");
        }
        List<StartOnDemand> starts = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            Startable container = (Startable) containers.get(i);
            StartOnDemand start = new StartOnDemand(() -> container);
            starts.add(start);
            @SuppressWarnings("unchecked")
            Class<? extends Startable> type = (Class<? extends Startable>) field.getType();
            ConnectionDetailsBeans.register(registry, field.getName() + "ServiceConnection",
                    new ContainerConnectionSource("field " + origin(field), type, start), context.getClassLoader());
        }
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
                starts.forEach(StartOnDemand::stopIfStartedHere);
            }
        });
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ServiceConnectionContextCustomizer that) || that.containers.size() != containers.size()) {
            return false;
        }
        for (int i = 0; i < containers.size(); i++) {
            if (containers.get(i) != that.containers.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (Object container : containers) {
            hash = 31 * hash + System.identityHashCode(container);
        }
        return hash;
    }
}
