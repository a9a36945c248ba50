package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;

import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.engine.ContainerStartException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The launcher resolves users inside the container and runs commands in running containers. */
class ExecAndUserIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> PATH = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private static RuntimeFixture fixture;

    @BeforeAll
    static void createFixture() {
        fixture = new RuntimeFixture();
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    private static String run(RuntimeSpec spec) {
        ContainerProcess container = fixture.run(spec);
        container.waitFor(WAIT).orElseThrow();
        return stdout(container);
    }

    @Test
    void userNameIsResolvedThroughTheImagesPasswdWithItsGroupsAndHome() {
        String out = run(fixture.spec("sh", "-c", "id; echo HOME=$HOME").user("nobody", List.of()).build());

        assertThat(out).contains("uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)", "HOME=/nonexistent");
    }

    @Test
    void rootGetsTheGroupsThatListItAndHomeRoot() {
        String out = run(fixture.spec("sh", "-c", "id; echo HOME=$HOME").user("", List.of()).build());

        assertThat(out).startsWith("uid=0(root) gid=0(root) groups=0(root)").contains("HOME=/root");
    }

    @Test
    void numericUserWithoutPasswdEntryRunsWithThatIdAndGroupZero() {
        String out = run(fixture.spec("id").user("4242", List.of()).build());

        assertThat(out).contains("uid=4242 gid=0(root)");
    }

    @Test
    void userAndGroupByNameAndNumberMix() {
        assertThat(run(fixture.spec("id").user("nobody:0", List.of()).build())).contains("uid=65534(nobody) gid=0(root)");
        assertThat(run(fixture.spec("id").user("1000:nobody", List.of()).build())).contains("uid=1000 gid=65534(nobody)");
    }

    @Test
    void unknownUserNameIsAClearStartError() {
        RuntimeSpec spec = fixture.spec("true").user("ghost", List.of()).build();

        assertThatThrownBy(() -> fixture.run(spec))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("cannot resolve the user \"ghost\"")
                .hasMessageContaining("unable to find user ghost: no matching entries in passwd file");
    }

    private static ExecProcess.Outcome exec(ContainerProcess container, List<String> args, String user, byte[] stdin,
                                            Duration timeout, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        ExecRequest request = new ExecRequest(ProcessIdentity.of(container.pid()).orElseThrow(), container.spec().stateDirectory(),
                args, PATH, "/", user, List.of(), Capability.containerDefaults(), true, container.spec().seccomp());
        return fixture.launcher.exec(request, stdin, timeout, (stderr, data) -> (stderr ? err : out).writeBytes(data));
    }

    @Test
    void execRunsInTheContainersNamespacesAsTheRequestedUser() {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").hostname("exec-box").build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        ExecProcess.Outcome outcome = exec(container, List.of("sh", "-c", "hostname; id -u; ps -o pid,comm; echo oops >&2; exit 3"),
                "nobody", null, null, out, err);

        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(3);
        assertThat(outcome.failure()).isNull();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("exec-box\n65534\n").contains("1 sleep");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        container.close();
    }

    @Test
    void execFeedsStdinAndKillsOnTimeout() {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ExecProcess.Outcome cat = exec(container, List.of("cat"), "", "bytes\0in".getBytes(StandardCharsets.UTF_8), null, out,
                new ByteArrayOutputStream());
        assertThat(cat.exitCode()).as(cat.toString()).isZero();
        assertThat(out.toByteArray()).isEqualTo("bytes\0in".getBytes(StandardCharsets.UTF_8));

        long start = System.nanoTime();
        ExecProcess.Outcome slow = exec(container, List.of("sh", "-c", "sleep 100 & sleep 100"), "", null,
                Duration.ofMillis(300), new ByteArrayOutputStream(), new ByteArrayOutputStream());
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.exitCode()).isEqualTo(137);
        // tells the kill from the sleeps ending on their own (100 s), nothing finer: at load 15 an exec takes seconds
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(run(fixture.spec("true").build())).isEmpty();
        container.close();
    }

    @Test
    void execOfAMissingCommandReportsDockersExitCode() {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").build());

        ExecProcess.Outcome outcome = exec(container, List.of("no-such-tool"), "", null, null, new ByteArrayOutputStream(),
                new ByteArrayOutputStream());

        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(127);
        assertThat(outcome.failure().step()).isEqualTo("exec-lookup");
        container.close();
    }

    @Test
    void execEndsWhenTheContainerEnds() {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").build());
        Timers.after(Duration.ofMillis(300), container::close);

        ExecProcess.Outcome outcome = exec(container, List.of("sleep", "1000"), "", null, null, new ByteArrayOutputStream(),
                new ByteArrayOutputStream());

        assertThat(outcome.signal()).as(outcome.toString()).isEqualTo(9);
    }

    @Test
    void execIntoAnEndedContainerIsRefused() {
        ContainerProcess container = fixture.run(fixture.spec("true").build());
        ProcessIdentity gone = new ProcessIdentity(container.pid(), 1);
        container.waitFor(WAIT).orElseThrow();

        ExecRequest request = new ExecRequest(gone, container.spec().stateDirectory(), List.of("true"), PATH, "/", "",
                List.of(), Capability.containerDefaults(), true, container.spec().seccomp());
        ExecProcess.Outcome outcome = fixture.launcher.exec(request, null, null, (stderr, data) -> { });

        assertThat(outcome.failure().step()).isEqualTo("find the container's process");
    }
}
