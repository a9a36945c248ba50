package dev.stevedore.apitest.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.ContainerNotReadyException;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.junit.Container;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The extension on a real engine, through EngineTestKit: scopes, parallel start, injection and reports as users meet them. */
class ExtensionIT {
    static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());
    static final Path SHARED_DIR = sharedDirectory();

    private final ContainerEngine engine = ItEngine.get();

    private static Path sharedDirectory() {
        try {
            Path dir = Files.createTempDirectory("stevedore-extension-it-");
            dir.toFile().setWritable(true, false);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EngineExecutionResults run(Class<?>... classes) {
        SEEN.clear();
        var request = EngineTestKit.engine("junit-jupiter");
        for (Class<?> type : classes) {
            request.selectors(selectClass(type));
        }
        return request.execute();
    }

    @org.junit.jupiter.api.AfterAll
    static void removeSharedDirectory() throws IOException {
        try (var paths = Files.walk(SHARED_DIR)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    static class WhereItRuns {
        @Container
        static ContainerHandle box = Stevedore.container("busybox", c -> c.name("it-where").command("sleep", "3600"));

        @Test
        void asksDockerd() {
            Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError("the test bed's dockerd is not up"));
            SEEN.add(DockerCli.run(socket, "ps", "-q", "--no-trunc").contains(box.id()) ? "in dockerd" : "not in dockerd");
        }
    }

    @Test
    void theContainersRunOnTheEngineTheBuildChose() {
        // as the engine selection decides: an explicit setting, else DOCKER_HOST set means docker
        String chosen = System.getProperty("stevedore.engine", System.getenv("STEVEDORE_ENGINE"));
        boolean docker = chosen != null ? chosen.equals("docker") : System.getenv("DOCKER_HOST") != null;

        run(WhereItRuns.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SEEN).containsExactly(docker ? "in dockerd" : "not in dockerd");
    }

    private int left(String name) {
        return engine.containers(true, Map.of("dev.stevedore.name", name)).size();
    }

    static class WebServer {
        @Container(image = "busybox", ports = 8080,
                command = {"sh", "-c", "mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 8080 -h /www"})
        static ContainerHandle web;

        @Test
        void answers(ContainerHandle web) throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + web.endpoint(8080) + "/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            SEEN.add(response.statusCode() + " " + response.body().trim());
        }
    }

    @Test
    void anAnnotationOnlyWebServerAnswersOnItsMappedPort() {
        run(WebServer.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).containsExactly("200 served");
        assertThat(left("web")).isZero();
    }

    static class Scopes {
        @Container
        static ContainerHandle perClass = Stevedore.container("busybox", c -> c.name("it-scope-class").command("sleep", "3600"));
        @Container
        ContainerHandle perTest = Stevedore.container("busybox", c -> c.name("it-scope-test").command("sleep", "3600"));

        @Test
        void one() {
            SEEN.add(perClass.id() + " " + perTest.id());
        }

        @Test
        void two() {
            SEEN.add(perClass.id() + " " + perTest.id());
        }
    }

    @Test
    void perClassAndPerTestContainersLiveAsLongAsTheirScope() {
        run(Scopes.class).testEvents().assertStatistics(s -> s.succeeded(2));
        String[] first = SEEN.get(0).split(" ");
        String[] second = SEEN.get(1).split(" ");
        assertThat(first[0]).isEqualTo(second[0]);
        assertThat(first[1]).isNotEqualTo(second[1]);
        assertThat(left("it-scope-class") + left("it-scope-test")).isZero();
    }

    static class Parallel {
        // each container is ready only once both exist: they meet through a shared host directory
        static ContainerHandle meeting(String name, String other) {
            return Stevedore.container("busybox", c -> c.name(name)
                    .bind(SHARED_DIR, "/meet")
                    .command("sh", "-c", "touch /meet/" + name + "; i=0; while [ ! -e /meet/" + other + " ] && [ $i -lt 300 ];"
                            + " do sleep 0.1; i=$((i+1)); done; echo met; exec sleep 3600")
                    .waitFor(Wait.logMessage("met")));
        }

        @Container
        static ContainerHandle left = meeting("it-left", "it-right");
        @Container
        static ContainerHandle right = meeting("it-right", "it-left");

        @Test
        void bothMet() {
            SEEN.add(left.isReady() + " " + right.isReady());
        }
    }

    @Test
    void theContainersOfAClassStartAtTheSameTime() {
        run(Parallel.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).containsExactly("true true");
    }

    static class Failing {
        @Container(image = "busybox", command = {"sh", "-c", "echo 'listening on :9000'; echo 'warning: cache cold' >&2; exec sleep 3600"},
                waitForLog = "listening")
        static ContainerHandle service;

        @Test
        void fails() {
            assertThat("actual").isEqualTo("expected");
        }
    }

    @Test
    void aFailedTestShowsItsContainersLastLogLines() {
        EngineExecutionResults results = run(Failing.class);
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(failure.getSuppressed()[0].getMessage()).startsWith("container \"service\" (busybox, ")
                .contains("| listening on :9000").contains("| warning: cache cold");
    }

    static class CannotStart {
        @Container(image = "busybox", command = {"sh", "-c", "echo 'FATAL: port 5432 already in use' >&2; exit 2"},
                waitForLog = "^ready to serve$")
        static ContainerHandle broken;

        @Test
        void neverRuns() {
        }
    }

    @Test
    void aContainerThatCannotStartFailsItsClassKeepingItsLogs() {
        run(CannotStart.class).containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
                instanceOf(ContainerNotReadyException.class),
                message(m -> m.startsWith("container \"broken\" (") && m.contains("exited with code 2")
                        && m.contains("| FATAL: port 5432 already in use")))));
        assertThat(left("broken")).isZero();
    }

    static final class Shared {
        static final ContainerHandle BOX = Stevedore.container("busybox", c -> c.name("it-jvm-shared").command("sleep", "3600"));
    }

    static class JvmOne {
        @Container(scope = Container.Scope.JVM)
        static ContainerHandle box = Shared.BOX;

        @Test
        void uses() {
            SEEN.add(box.id());
        }
    }

    static class JvmTwo {
        @Container(scope = Container.Scope.JVM)
        static ContainerHandle box = Shared.BOX;

        @Test
        void uses() {
            SEEN.add(box.id());
        }
    }

    @Test
    void aJvmScopedContainerServesEveryClassAndEveryLaterRunOfTheJvm() {
        run(JvmOne.class, JvmTwo.class).testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        String first = SEEN.get(0);

        // Surefire with forkCount > 1 runs each class of a fork as a run of its own
        run(JvmTwo.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SEEN).containsExactly(first);
        assertThat(left("it-jvm-shared")).as("kept until the JVM ends").isEqualTo(1);
        // what the DSL's shutdown hook does when the JVM ends (the forked runs check that it does)
        Shared.BOX.stop();
        assertThat(left("it-jvm-shared")).isZero();
    }
}
