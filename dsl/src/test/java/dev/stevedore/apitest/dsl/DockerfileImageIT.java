package dev.stevedore.apitest.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.Images;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.testbed.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Images.dockerfile} on a real engine (embedded, or dockerd with {@code -Dstevedore.engine=docker}). */
class DockerfileImageIT {
    private final ContainerEngine engine = ItEngine.get();

    @TempDir
    Path dir;

    static String base() {
        return Testbed.get().plainRegistry() + "/library/busybox:latest";
    }

    /** A context whose image prints a build arg and keeps a stamp its RUN wrote at build time. */
    static void writeContext(Path dir) throws IOException {
        Files.writeString(dir.resolve("hello.txt"), "hello\n");
        Files.writeString(dir.resolve("Dockerfile"), """
                ARG BASE
                FROM ${BASE}
                ARG V
                COPY hello.txt /hello.txt
                RUN echo "v=$V" >> /hello.txt && cat /proc/sys/kernel/random/uuid > /stamp
                CMD ["sh", "-c", "cat /hello.txt; exec sleep 3600"]
                """);
    }

    @Test
    void anImageFromADockerfileIsBuiltOncePerJvmAndRunsWhereverAnImageNameGoes() throws IOException {
        writeContext(dir);
        // noCache: were the image built twice, the two containers would see two stamps
        String image = Images.dockerfile(dir, b -> b.buildArg("BASE", base()).buildArg("V", "1").noCache(true));

        assertThat(Images.dockerfile(dir, b -> b.buildArg("BASE", base()).buildArg("V", "1").noCache(true))).isEqualTo(image);
        assertThat(Images.dockerfile(dir, b -> b.buildArg("BASE", base()).buildArg("V", "2").noCache(true))).isNotEqualTo(image);
        try (ContainerHandle one = Stevedore.container(image, c -> c.waitFor(Wait.logMessage("v=1"))).start(engine);
             ContainerHandle two = Stevedore.container(image, c -> c.waitFor(Wait.logMessage("v=1"))).start(engine)) {
            assertThat(one.exec("cat", "/hello.txt").stdout()).isEqualTo("hello\nv=1\n");
            assertThat(one.exec("cat", "/stamp").stdout()).isNotBlank().isEqualTo(two.exec("cat", "/stamp").stdout());
        } finally {
            assertThat(engine.image(ImageReference.parse(image))).as("the engine holds the image built").isPresent();
            engine.removeImage(ImageReference.parse(image));
        }
    }

    /**
     * What an earlier run built under the same name (the context has been edited since) is not left dangling to pile
     * up run after run: the build that replaces it removes it. The earlier run is played here by a build of the old
     * context tagged with the name.
     */
    @Test
    void theImageAnEarlierRunBuiltUnderTheNameGoesWhenTheNameMoves() throws IOException {
        writeContext(dir);
        String image = Images.dockerfile(dir, b -> b.buildArg("BASE", base()).buildArg("V", "3").noCache(true));
        Files.writeString(dir.resolve("hello.txt"), "hello from an earlier run\n");
        String earlier = engine.build(BuildSpec.builder(dir).buildArg("BASE", base()).buildArg("V", "3").tag(image).build(),
                BuildListener.NONE).id();
        writeContext(dir);
        try (ContainerHandle now = Stevedore.container(image, c -> c.waitFor(Wait.logMessage("v=3"))).start(engine)) {
            assertThat(now.exec("cat", "/hello.txt").stdout()).isEqualTo("hello\nv=3\n");
            assertThat(engine.images()).as("the earlier build, no longer named").noneMatch(i -> i.id().equals(earlier));
        } finally {
            engine.removeImage(ImageReference.parse(image));
        }
    }

    @Test
    void aBuildThatFailsFailsTheStartWithTheBuildsOutput() throws IOException {
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + base() + "\nRUN echo cannot build this && exit 7\n");
        String image = Images.dockerfile(dir);

        assertThatThrownBy(() -> Stevedore.container(image).start(engine))
                .isInstanceOfSatisfying(BuildException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(7);
                    assertThat(e.getMessage()).contains("cannot build this");
                });
    }
}
