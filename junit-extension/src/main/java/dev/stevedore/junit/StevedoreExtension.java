package dev.stevedore.junit;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Engines;
import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Startable;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.engine.ContainerEngine;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The extension behind {@link Container}: starts the containers of {@code @Container} fields for their scope,
 * resolves them as parameters, and adds their logs to failures. What runs for a class or a test is leased in that
 * scope's store, as a closeable resource JUnit closes when the scope ends; JVM-scoped containers are leased for the
 * JVM's life ({@link Leases}).
 *
 * <p>Registered by {@link Container} itself; {@code @ExtendWith(StevedoreExtension.class)} is not needed.
 */
public final class StevedoreExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StevedoreExtension.class);
    private static final String SCOPE_KEY = "scope:";

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        List<Declaration> declarations = Declaration.of(testClass);
        List<Declaration> statics = declarations.stream()
                .filter(d -> d.isStatic && d.scope != Container.Scope.TEST).collect(Collectors.toList());
        if (statics.isEmpty()) {
            return;
        }
        Leases leases = Leases.jvmWide();
        List<Startable> forClass = new ArrayList<>();
        List<Startable> forRun = new ArrayList<>();
        for (Declaration declaration : statics) {
            Startable item = declaration.resolve(null, leases);
            (declaration.scope == Container.Scope.JVM ? forRun : forClass).add(item);
        }
        ScopeResources resources = scopeResources(context, leases);
        resources.lease(forClass);
        forRun.forEach(leases::acquireForTheJvm);
        resources.report(forRun);
        List<Startable> all = new ArrayList<>(forRun);
        all.addAll(forClass);
        Stevedore.startAll(engine(), all);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        List<Startable> forTest = new ArrayList<>();
        Leases leases = null;
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Declaration declaration : Declaration.of(instance.getClass())) {
                if (declaration.scope == Container.Scope.TEST) {
                    if (leases == null) {
                        leases = Leases.jvmWide();
                    }
                    forTest.add(declaration.resolve(declaration.isStatic ? null : instance, leases));
                }
            }
        }
        if (forTest.isEmpty()) {
            return;
        }
        ScopeResources resources = scopeResources(context, leases);
        resources.lease(forTest);
        Stevedore.startAll(engine(), forTest);
    }

    // ---- parameters ---------------------------------------------------------------------------------------

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == ContainerEngine.class) {
            return true;
        }
        if (!Startable.class.isAssignableFrom(type)) {
            return false;
        }
        return !candidates(parameter, context).isEmpty();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == ContainerEngine.class) {
            return engine();
        }
        Map<String, Startable> candidates = candidates(parameter, context);
        if (candidates.size() == 1) {
            return candidates.values().iterator().next();
        }
        if (parameter.getParameter().isNamePresent()) {
            String name = parameter.getParameter().getName();
            Startable byName = candidates.get(name);
            if (byName != null) {
                return byName;
            }
            // a Java name cannot hold '-': paramQueue stands for the container "param-queue"
            List<Startable> loosely = candidates.entrySet().stream()
                    .filter(e -> loose(e.getKey()).equals(loose(name)))
                    .map(Map.Entry::getValue).distinct().collect(Collectors.toList());
            if (loosely.size() == 1) {
                return loosely.get(0);
            }
        }
        throw new ParameterResolutionException("parameter " + parameter.getParameter().getName() + " of "
                + parameter.getDeclaringExecutable().getName() + ": several containers are " + type.getSimpleName() + "s ("
                + String.join(", ", candidates.keySet()) + "); name the parameter like one of them"
                + (parameter.getParameter().isNamePresent() ? "" : " and compile with -parameters so the name is kept"));
    }

    /** The containers a parameter of this type can receive, by field name and container name. */
    private Map<String, Startable> candidates(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Map<String, Startable> byName = new LinkedHashMap<>();
        Map<Startable, Boolean> seen = new java.util.IdentityHashMap<>();
        List<Object> instances = context.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
        for (Class<?> declaring = context.getRequiredTestClass(); declaring != null; declaring = declaring.getEnclosingClass()) {
            for (Declaration declaration : Declaration.of(declaring)) {
                if (declaration.isStatic) {
                    add(byName, seen, type, declaration.field, valueOf(declaration.field, null));
                }
            }
        }
        for (Object instance : instances) {
            for (Declaration declaration : Declaration.of(instance.getClass())) {
                if (!declaration.isStatic) {
                    add(byName, seen, type, declaration.field, valueOf(declaration.field, instance));
                }
            }
        }
        return byName;
    }

    private static String loose(String name) {
        return name.replaceAll("[-_.]", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static void add(Map<String, Startable> byName, Map<Startable, Boolean> seen, Class<?> type, Field field, Object value) {
        if (!(value instanceof Startable)) {
            return;
        }
        if (type.isInstance(value) && seen.put((Startable) value, Boolean.TRUE) == null) {
            byName.putIfAbsent(field.getName(), (Startable) value);
            if (value instanceof ContainerHandle) {
                byName.putIfAbsent(((ContainerHandle) value).name(), (Startable) value);
            }
        }
        if (value instanceof Environment) {
            for (ContainerHandle member : ((Environment) value).containers()) {
                if (type.isInstance(member) && seen.put(member, Boolean.TRUE) == null) {
                    byName.putIfAbsent(member.name(), member);
                }
            }
        }
    }

    private static Object valueOf(Field field, Object instance) {
        try {
            field.setAccessible(true);
            return field.get(instance);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    // ---- failures -----------------------------------------------------------------------------------------

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withLogs(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withLogs(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withLogs(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withLogs(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withLogs(context, throwable);
    }

    /** Adds each running container's last log lines to {@code failure} (suppressed) and to the report. */
    private static Throwable withLogs(ExtensionContext context, Throwable failure) {
        for (ContainerHandle container : containersOf(context)) {
            if (!container.isRunning()) {
                continue;
            }
            List<String> lines = container.lastLogLines(ContainerLogReport.LINES);
            ContainerLogReport report = new ContainerLogReport(container, lines);
            failure.addSuppressed(report);
            context.publishReportEntry("stevedore.logs." + container.name(), report.getMessage());
        }
        return failure;
    }

    /** The containers of this context and its parents, each once. */
    private static List<ContainerHandle> containersOf(ExtensionContext context) {
        List<ContainerHandle> containers = new ArrayList<>();
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            ScopeResources resources = c.get().getStore(NAMESPACE).get(SCOPE_KEY + c.get().getUniqueId(), ScopeResources.class);
            if (resources == null) {
                continue;
            }
            for (Startable item : resources.reported()) {
                List<ContainerHandle> members = item instanceof ContainerHandle ? List.of((ContainerHandle) item)
                        : item instanceof Environment ? ((Environment) item).containers() : List.of();
                for (ContainerHandle member : members) {
                    if (containers.stream().noneMatch(m -> m == member)) {
                        containers.add(member);
                    }
                }
            }
        }
        return containers;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static ScopeResources scopeResources(ExtensionContext context, Leases leases) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(SCOPE_KEY + context.getUniqueId(),
                k -> new ScopeResources(leases), ScopeResources.class);
    }

    private static ContainerEngine engine() {
        return Engines.shared();
    }
}
