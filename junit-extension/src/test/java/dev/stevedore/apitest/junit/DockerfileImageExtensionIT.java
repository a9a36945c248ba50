package dev.stevedore.apitest.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Images;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.junit.Container;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** {@code @Container} fields of an image built from a Dockerfile, on the engine of the run (both, in the build). */
class DockerfileImageExtensionIT {
    static final List<String> STAMPS = Collections.synchronizedList(new ArrayList<>());
    /** One context and one image name for both classes; noCache, so a second build would write a second stamp. */
    static final Path CONTEXT = context();
    static final String IMAGE = Images.dockerfile(CONTEXT, b -> b.buildArg("V", "7").noCache(true));

    private final ContainerEngine engine = ItEngine.get();

    private static Path context() {
        try {
            Path dir = Files.createTempDirectory("stevedore-dockerfile-it-");
            Files.writeString(dir.resolve("Dockerfile"), """
                    FROM %s
                    ARG V
                    RUN echo "v=$V $(cat /proc/sys/kernel/random/uuid)" > /stamp
                    CMD ["sh", "-c", "cat /stamp; exec sleep 3600"]
                    """.formatted(Testbed.get().plainRegistry() + "/library/busybox:latest"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static class First {
        @Container
        static ContainerHandle app = Stevedore.container(IMAGE, c -> c.waitFor(Wait.logMessage("v=7")));

        @Test
        void readsTheStamp() {
            STAMPS.add(app.exec("cat", "/stamp").stdout());
        }
    }

    static class Second {
        @Container
        ContainerHandle app = Stevedore.container(IMAGE, c -> c.waitFor(Wait.logMessage("v=7")));

        @Test
        void readsTheStamp() {
            STAMPS.add(app.exec("cat", "/stamp").stdout());
        }
    }

    @AfterAll
    static void removeTheContext() throws IOException {
        Files.deleteIfExists(CONTEXT.resolve("Dockerfile"));
        Files.deleteIfExists(CONTEXT);
    }

    @Test
    void everyContainerOfTheImageInTheJvmRunsTheOneBuild() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(First.class), selectClass(Second.class)).execute()
                .testEvents().assertStatistics(s -> s.succeeded(2));

        assertThat(STAMPS).hasSize(2).allMatch(s -> s.startsWith("v=7 ")).containsOnly(STAMPS.get(0));
        assertThat(engine.image(ImageReference.parse(IMAGE))).isPresent();
        engine.removeImage(ImageReference.parse(IMAGE));
    }
}
