package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.DockerfileImages;
import dev.stevedore.engine.BuildSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Images the DSL makes itself, named so that they can go wherever an image name goes ({@link Stevedore#container},
 * a ready-made service, a {@code @Container} field):
 *
 * <pre>{@code
 * @Container
 * static ContainerHandle app = Stevedore.container(Images.dockerfile(Path.of("."), b -> b.buildArg("V", "1")),
 *         c -> c.expose(8080));
 * }</pre>
 *
 * <p>The image is built when the first container of it starts, on that container's engine (embedded or Docker),
 * once per JVM and engine: a second container, or a second test class, reuses it. Equal contexts and options give
 * the same name, so the build is keyed by both. The engine's build cache makes a later JVM's build of an unchanged
 * context fast. The name is only known to this JVM; it is not pushed anywhere.
 */
public final class Images {

    private Images() {
    }

    /** The image the Dockerfile in {@code context} builds, with that directory as its context. */
    public static String dockerfile(Path context) {
        return dockerfile(context, Configurer.none());
    }

    /**
     * The image a Dockerfile builds from {@code context}, configured by {@code configurer} (build args, the
     * Dockerfile's path or text, the target stage, labels, files added to the context...).
     *
     * @return an image name to give {@link Stevedore#container}; it names this build in this JVM only
     */
    public static String dockerfile(Path context, Configurer<BuildSpec.Builder> configurer) {
        Objects.requireNonNull(context, "context");
        BuildSpec.Builder builder = BuildSpec.builder(context.toAbsolutePath().normalize());
        configurer.configure(builder);
        return DockerfileImages.register(builder.build());
    }
}
