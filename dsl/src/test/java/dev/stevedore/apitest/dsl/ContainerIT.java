package dev.stevedore.apitest.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.dsl.ContainerHandle;
import dev.stevedore.dsl.ContainerNotReadyException;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.LogLine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The DSL's containers on a real engine, through the public API only. */
class ContainerIT {
    private final ContainerEngine engine = ItEngine.get();

    @Test
    void aWebServerIsReadyWhenItAnswersAndReachableOnItsMappedPort() throws Exception {
        try (ContainerHandle web = Stevedore.container("busybox", c -> c.name("web")
                .file("/www/index.html", "hello from busybox\n")
                .command("httpd", "-f", "-p", "8080", "-h", "/www")
                .expose(8080)
                .waitFor(Wait.http("/index.html").status(200).bodyContains("hello"))).start(engine)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + web.endpoint(8080) + "/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from busybox\n");
            assertThat(web.host()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void thePortWaitFindsAListenerInsideAndOutside() {
        try (ContainerHandle web = Stevedore.container("busybox", c -> c
                .command("sh", "-c", "sleep 1; exec httpd -f -p 8080 -h /")
                .expose(8080)).start(engine)) {
            ExecResult listening = web.exec("cat", "/proc/net/tcp", "/proc/net/tcp6");
            assertThat(listening.stdout()).contains(":1F90");
            assertThat(web.isReady()).isTrue();
        }
    }

    @Test
    void logsExecAndFilesWork() {
        try (ContainerHandle box = Stevedore.container("busybox", c -> c
                .env("GREETING", "hej")
                .command("sh", "-c", "echo \"$GREETING from stdout\"; echo 'and from stderr' >&2; exec sleep 3600")
                .waitFor(Wait.logMessage("from stderr"))).start(engine)) {
            assertThat(box.logs()).extracting(LogLine::stream, LogLine::text)
                    .contains(org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDOUT, "hej from stdout"),
                            org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDERR, "and from stderr"));
            ExecResult result = box.exec("sh", "-c", "echo $GREETING; id -u");
            assertThat(result.exitCode()).isZero();
            assertThat(result.stdout()).isEqualTo("hej\n0\n");
            box.writeFile("/tmp/note.txt", "written by the test");
            assertThat(new String(box.readFile("/tmp/note.txt"), StandardCharsets.UTF_8)).isEqualTo("written by the test");
        }
    }

    @Test
    void aCommandWaitRetriesUntilTheCommandSucceeds() {
        try (ContainerHandle box = Stevedore.container("busybox", c -> c
                .command("sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 3600")
                .waitFor(Wait.command("test", "-f", "/tmp/ready")))) {
            long started = System.nanoTime();
            box.start(engine);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(box.exec("test", "-f", "/tmp/ready").exitCode()).isZero();
        }
    }

    @Test
    void aContainerThatExitsFailsItsStartWithItsLogsAndIsRemoved() {
        ContainerHandle broken = Stevedore.container("busybox", c -> c.name("broken")
                .command("sh", "-c", "echo 'cannot find /etc/app.conf' >&2; exit 4")
                .waitFor(Wait.logMessage("listening")));
        ContainerNotReadyException e = catchThrowableOfType(() -> broken.start(engine), ContainerNotReadyException.class);
        assertThat(e.exitCode()).hasValue(4);
        assertThat(e.lastLogLines()).containsExactly("cannot find /etc/app.conf");
        assertThat(e.getMessage()).startsWith("container \"broken\" (").contains("exited with code 4")
                .contains("| cannot find /etc/app.conf");
        assertThat(engine.containers(true, Map.of("dev.stevedore.name", "broken"))).isEmpty();
        assertThat(broken.lastLogLines(10)).containsExactly("cannot find /etc/app.conf");
    }

    @Test
    void aTimeoutNamesWhatWasAwaited() {
        ContainerHandle quiet = Stevedore.container("busybox", c -> c.name("quiet")
                .command("sh", "-c", "for i in $(seq 1 80); do echo line $i; done; exec sleep 3600")
                .waitFor(Wait.logMessage("never said").timeout(Duration.ofSeconds(2))));
        ContainerNotReadyException e = catchThrowableOfType(() -> quiet.start(engine), ContainerNotReadyException.class);
        assertThat(e.getMessage()).contains("was not ready within 2 s").contains("waited for: a log line matching /never said/");
        assertThat(e.lastLogLines()).hasSize(50).endsWith("line 80").startsWith("line 31");
    }

    @Test
    void theImagesHealthCheckIsRequiredToExistForAHealthWait() {
        ContainerHandle box = Stevedore.container("busybox", c -> c.name("unchecked").command("sleep", "3600")
                .waitFor(Wait.healthCheck()));
        ContainerNotReadyException e = catchThrowableOfType(() -> box.start(engine), ContainerNotReadyException.class);
        assertThat(e.getMessage()).contains("cannot be health-checked").contains("it has no health check");
    }

    @Test
    void aHealthWaitIsReadyWhenTheEngineFindsItHealthy() {
        try (ContainerHandle box = Stevedore.container("busybox", c -> c.name("checked")
                .command("sh", "-c", "sleep 2; touch /tmp/up; exec sleep 3600")
                .engineSpec(s -> s.healthCheck(HealthCheck.shell("test -f /tmp/up").withInterval(Duration.ofSeconds(1))
                        .withRetries(100)))
                .waitFor(Wait.healthCheck().timeout(Duration.ofSeconds(90)))).start(engine)) {
            assertThat(engine.inspectContainer(box.id()).health().status()).isEqualTo(ContainerHealth.Status.HEALTHY);
        }
    }

    @Test
    void aHealthWaitFailsOnceTheContainerIsUnhealthyWithTheChecksOutput() {
        ContainerHandle box = Stevedore.container("busybox", c -> c.name("sickly").command("sleep", "3600")
                .engineSpec(s -> s.healthCheck(HealthCheck.shell("echo no-db; exit 1").withInterval(Duration.ofSeconds(1))
                        .withRetries(1)))
                .waitFor(Wait.healthCheck().timeout(Duration.ofSeconds(90))));
        ContainerNotReadyException e = catchThrowableOfType(() -> box.start(engine), ContainerNotReadyException.class);
        assertThat(e.getMessage()).contains("is unhealthy").contains("exit code 1, output \"no-db\"");
    }

    @Test
    void containersCarryTheirDslName() {
        try (ContainerHandle box = Stevedore.container("busybox", c -> c.name("labelled").command("sleep", "3600")).start(engine)) {
            assertThat(engine.containers(false, Map.of("dev.stevedore.name", "labelled")).stream()
                    .map(i -> i.id()).collect(Collectors.toList())).containsExactly(box.id());
        }
    }
}
