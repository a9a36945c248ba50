package dev.stevedore.engine;

import java.util.ServiceLoader;

/** The {@link EngineProvider} of this JVM, looked up on the first use of a factory of {@link ContainerEngine}. */
final class InstalledEngineProvider {
    private static volatile EngineProvider provider;

    private InstalledEngineProvider() {
    }

    /** The provider; a failed look-up is repeated (and reported) on every call rather than remembered. */
    static EngineProvider get() {
        EngineProvider found = provider;
        if (found == null) {
            // the API's own class loader: where the engine jar and its service file are, whatever the thread's context loader
            found = ServiceLoader.load(EngineProvider.class, EngineProvider.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> new ContainerEngineException("no container engine implementation found: "
                            + "META-INF/services/" + EngineProvider.class.getName() + " of stevedore-engine is not on the "
                            + "class path; a shaded jar must merge service files (Maven Shade's ServicesResourceTransformer)"));
            provider = found;
        }
        return found;
    }
}
