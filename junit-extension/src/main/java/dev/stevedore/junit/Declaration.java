package dev.stevedore.junit;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.InvalidDefinitionException;
import dev.stevedore.dsl.Startable;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * One {@link Container} field: where it is, what scope it has, and how to get its container (its value, or one
 * made from the annotation and put into it). Misuse is reported as {@link ExtensionConfigurationException}s that
 * name the field.
 */
final class Declaration {
    private static final Map<Class<?>, List<Declaration>> CACHE = new ConcurrentHashMap<>();
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    final Field field;
    final Container annotation;
    final Container.Scope scope;
    final boolean isStatic;

    private Declaration(Field field, Container annotation) {
        this.field = field;
        this.annotation = annotation;
        this.isStatic = Modifier.isStatic(field.getModifiers());
        this.scope = resolveScope();
        validateShape();
    }

    /** Every {@code @Container} field of {@code type} and its superclasses, superclasses first; validated once per class. */
    static List<Declaration> of(Class<?> type) {
        return CACHE.computeIfAbsent(type, t -> ReflectionSupport
                .findFields(t, f -> AnnotationSupport.isAnnotated(f, Container.class), HierarchyTraversalMode.TOP_DOWN)
                .stream()
                .map(f -> new Declaration(f, AnnotationSupport.findAnnotation(f, Container.class).orElseThrow()))
                .collect(Collectors.toUnmodifiableList()));
    }

    /** {@code OrderTest.db}, as messages name it. */
    String where() {
        return field.getDeclaringClass().getSimpleName() + "." + field.getName();
    }

    boolean annotationOnly() {
        return !annotation.image().isEmpty();
    }

    /** The container of a static field (for {@code instance} null) or of an instance's field, made from the annotation when it has none. */
    Startable resolve(Object instance, Leases leases) {
        Object value = read(instance);
        if (annotationOnly()) {
            if (value != null && !(value instanceof ContainerHandle && made(value))) {
                throw problem("has a value and names an image in @Container(image = \"" + annotation.image()
                        + "\"); use one of the two");
            }
            if (value != null) {
                return (Startable) value;
            }
            Startable made = scope == Container.Scope.JVM
                    ? leases.sharedForAnnotation(annotation, this::fromAnnotation)
                    : fromAnnotation();
            write(instance, made);
            return made;
        }
        if (value == null) {
            throw problem("is null: give it a value (Stevedore.container(...), Postgres.container(...)) "
                    + "or name an image (@Container(image = \"...\"))");
        }
        if (!(value instanceof Startable)) {
            throw problem("holds a " + value.getClass().getName() + ", which is not a container; it must hold a "
                    + "ContainerHandle, a PostgresContainer, an Environment or another Startable");
        }
        return (Startable) value;
    }

    /** What the extension itself made from annotations (handles compare by identity, so a weak map does). */
    private static final Map<Object, Boolean> MADE = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static boolean made(Object value) {
        return MADE.containsKey(value);
    }

    private ContainerHandle fromAnnotation() {
        String name = !annotation.name().isEmpty() ? annotation.name()
                : CONTAINER_NAME.matcher(field.getName()).matches() ? field.getName() : null;
        try {
            ContainerHandle handle = Stevedore.container(annotation.image(), c -> {
                if (name != null) {
                    c.name(name);
                }
                c.expose(annotation.ports());
                for (String entry : annotation.env()) {
                    int eq = entry.indexOf('=');
                    if (eq <= 0) {
                        throw problem("env entry \"" + entry + "\" is not KEY=value");
                    }
                    c.env(entry.substring(0, eq), entry.substring(eq + 1));
                }
                if (annotation.command().length > 0) {
                    c.command(annotation.command());
                }
                if (!annotation.waitForLog().isEmpty()) {
                    c.waitFor(Wait.logMessage(annotation.waitForLog()));
                }
                c.startupTimeout(Duration.ofSeconds(annotation.startupTimeoutSeconds()));
            });
            MADE.put(handle, Boolean.TRUE);
            return handle;
        } catch (InvalidDefinitionException e) {
            throw new ExtensionConfigurationException("@Container field " + where() + ": " + e.getMessage(), e);
        }
    }

    private Container.Scope resolveScope() {
        Container.Scope declared = annotation.scope();
        if (declared == Container.Scope.DEFAULT) {
            return isStatic ? Container.Scope.CLASS : Container.Scope.TEST;
        }
        if (!isStatic && declared == Container.Scope.JVM) {
            throw problem("is an instance field, and instance fields are new for every test; Scope.JVM needs a static field");
        }
        if (!isStatic && declared == Container.Scope.CLASS) {
            throw problem("is an instance field, and instance fields are new for every test; make it static for one "
                    + "container per class");
        }
        return declared;
    }

    private void validateShape() {
        Class<?> type = field.getType();
        if (annotationOnly()) {
            if (!type.isAssignableFrom(ContainerHandle.class)) {
                throw problem("is declared as " + type.getSimpleName() + ", but @Container(image = ...) makes a "
                        + "ContainerHandle; declare it as ContainerHandle");
            }
            if (Modifier.isFinal(field.getModifiers())) {
                throw problem("is final, so the extension cannot put the container made from @Container(image = ...) "
                        + "into it; remove final");
            }
            if (annotation.startupTimeoutSeconds() <= 0) {
                throw problem("has startupTimeoutSeconds = " + annotation.startupTimeoutSeconds() + "; it must be positive");
            }
        } else {
            if (!Startable.class.isAssignableFrom(type) && !type.isAssignableFrom(Startable.class)) {
                throw problem("is declared as " + type.getName() + ", which is not a container; declare it as "
                        + "ContainerHandle, PostgresContainer, Environment or another Startable");
            }
            boolean describes = annotation.ports().length > 0 || annotation.env().length > 0 || annotation.command().length > 0
                    || !annotation.waitForLog().isEmpty() || !annotation.name().isEmpty();
            if (describes) {
                throw problem("sets name, ports, env, command or waitForLog on @Container without an image; those "
                        + "describe an annotation-only container (@Container(image = \"...\")), configure a DSL container "
                        + "in its lambda instead");
            }
        }
    }

    private Object read(Object instance) {
        return ReflectionSupport.tryToReadFieldValue(field, instance)
                .getOrThrow(e -> new ExtensionConfigurationException("@Container field " + where() + " could not be read", e));
    }

    private void write(Object instance, Object value) {
        try {
            field.setAccessible(true);
            field.set(instance, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("@Container field " + where() + " could not be set: " + e, e);
        }
    }

    private ExtensionConfigurationException problem(String what) {
        return new ExtensionConfigurationException("@Container field " + where() + " " + what);
    }
}
