package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static dev.stevedore.apitest.ContainerTestbed.exited;
import static dev.stevedore.apitest.ContainerTestbed.lines;
import static dev.stevedore.apitest.ContainerTestbed.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Create, start, wait, stop, kill, remove, inspect and list through the public API, on the embedded engine. */
class ContainerLifecycleIT extends ContainerTestBase {
    /** Follows the logs until a line contains {@code text}. */
    private static void awaitLine(String id, String text) {
        try (ContainerLogs logs = engine.logs(id, LogOptions.all().following())) {
            assertThat(logs.lines().map(LogLine::text).anyMatch(line -> line.contains(text)))
                    .as("container %s logged \"%s\" before it ended", id, text).isTrue();
        }
    }

    @Test
    void echoLandsInTheLogsAndTheContainerExitsWithZero() {
        Instant before = Instant.now();
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("echo", "hello", "from", "stevedore"));

        ContainerState state = exited(engine, info.id());

        assertThat(state.exitCode()).isZero();
        assertThat(state.signal()).isZero();
        assertThat(state.startedAt()).isAfterOrEqualTo(before.minusMillis(5));
        assertThat(state.finishedAt()).isAfterOrEqualTo(state.startedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(stdout(engine, info.id())).isEqualTo("hello from stevedore");
        assertThat(engine.inspectContainer(info.id()).state().status()).isEqualTo(ContainerState.Status.EXITED);
    }

    @Test
    void exitCodesAreReported() {
        ContainerInfo three = run(ContainerSpec.builder(busybox()).cmd("sh", "-c", "exit 3"));
        // pid 1 ignores even SIGKILL from inside its own namespace (as in Docker): the kill comes from outside
        ContainerInfo killed = run(ContainerSpec.builder(busybox()).cmd("sleep", "1000"));

        assertThat(exited(engine, three.id()).exitCode()).isEqualTo(3);
        engine.killContainer(killed.id(), "KILL");
        ContainerState state = exited(engine, killed.id());
        assertThat(state.exitCode()).isEqualTo(137);
        assertThat(state.signal()).isEqualTo(9);
    }

    @Test
    void createdContainerIsNotRunningUntilStarted() {
        ContainerInfo info = create(ContainerSpec.builder(busybox()).cmd("true"));

        assertThat(info.state().status()).isEqualTo(ContainerState.Status.CREATED);
        assertThat(info.id()).matches("[0-9a-f]{64}");
        assertThat(info.name()).isNotBlank();
        assertThat(engine.waitContainer(info.id(), Duration.ofMillis(10)).status()).isEqualTo(ContainerState.Status.CREATED);

        engine.startContainer(info.id());
        assertThat(exited(engine, info.id()).exitCode()).isZero();
        engine.startContainer(info.id());
        assertThat(exited(engine, info.id()).exitCode()).as("a restart runs it again").isZero();
    }

    @Test
    void stopSendsTheStopSignalAndWaitsForTheExit() {
        ContainerInfo info = run(ContainerSpec.builder(busybox())
                .cmd("sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo ready; sleep 1000 & wait"));
        awaitLine(info.id(), "ready");

        engine.stopContainer(info.id(), Duration.ofSeconds(10));

        ContainerState state = engine.inspectContainer(info.id()).state();
        assertThat(state.status()).isEqualTo(ContainerState.Status.EXITED);
        assertThat(state.exitCode()).isEqualTo(42);
        assertThat(lines(engine, info.id())).contains("got TERM");
    }

    @Test
    void stopKillsAfterTheGracePeriodWhenTheSignalIsIgnored() {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("sh", "-c", "trap '' TERM; echo trapped; sleep 1000"));
        awaitLine(info.id(), "trapped");

        long start = System.nanoTime();
        engine.stopContainer(info.id(), Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // the upper bound only tells a SIGKILL from the sleep ending on its own (1000 s): at load 15 a stop takes seconds
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(60));
        assertThat(engine.inspectContainer(info.id()).state().exitCode()).isEqualTo(137);
    }

    @Test
    void theImagesOrRequestedStopSignalIsSent() {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).stopSignal("SIGUSR1")
                .cmd("sh", "-c", "trap 'exit 10' USR1; trap 'exit 15' TERM; echo ready; sleep 1000 & wait"));
        awaitLine(info.id(), "ready");

        engine.stopContainer(info.id(), null);

        assertThat(engine.inspectContainer(info.id()).state().exitCode()).isEqualTo(10);
    }

    @Test
    void stoppingAStoppedContainerDoesNothing() {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("true"));
        exited(engine, info.id());

        engine.stopContainer(info.id(), Duration.ofSeconds(1));
        engine.stopContainer(create(ContainerSpec.builder(busybox()).cmd("true")).id(), Duration.ofSeconds(1));

        assertThat(engine.inspectContainer(info.id()).state().exitCode()).isZero();
    }

    @Test
    void killTakesSignalNamesAndNumbers() {
        String trap = "trap 'exit 11' USR1; trap 'exit 12' TERM; echo ready; sleep 1000 & wait";
        ContainerInfo byName = run(ContainerSpec.builder(busybox()).cmd("sh", "-c", trap));
        ContainerInfo withPrefix = run(ContainerSpec.builder(busybox()).cmd("sh", "-c", trap));
        ContainerInfo byNumber = run(ContainerSpec.builder(busybox()).cmd("sleep", "1000"));
        awaitLine(byName.id(), "ready");
        awaitLine(withPrefix.id(), "ready");

        engine.killContainer(byName.id(), "USR1");
        engine.killContainer(withPrefix.id(), "SIGTERM");
        engine.killContainer(byNumber.id(), "9");

        assertThat(exited(engine, byName.id()).exitCode()).isEqualTo(11);
        assertThat(exited(engine, withPrefix.id()).exitCode()).isEqualTo(12);
        assertThat(exited(engine, byNumber.id()).exitCode()).isEqualTo(137);
        assertThatThrownBy(() -> engine.killContainer(byNumber.id(), "KILL"))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> engine.killContainer(byNumber.id(), "SIGNOPE"))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("not a Linux signal");
    }

    @Test
    void removingARunningContainerNeedsForce() {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).cmd("sleep", "1000"));

        assertThatThrownBy(() -> engine.removeContainer(info.id(), false))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("it is running — stop it first, or remove it with force");
        engine.removeContainer(info.id(), true);

        assertThatThrownBy(() -> engine.inspectContainer(info.id())).isInstanceOf(ContainerNotFoundException.class);
        assertThat(engine.containers(true, Map.of())).noneMatch(c -> c.id().equals(info.id()));
    }

    @Test
    void containersAreFoundByIdUniquePrefixAndName() {
        String name = "lookup-" + System.nanoTime();
        ContainerInfo info = create(ContainerSpec.builder(busybox()).name(name).cmd("true"));

        assertThat(engine.inspectContainer(info.id()).name()).isEqualTo(name);
        assertThat(engine.inspectContainer(name).id()).isEqualTo(info.id());
        assertThat(engine.inspectContainer(info.id().substring(0, 16)).id()).isEqualTo(info.id());
        assertThatThrownBy(() -> engine.inspectContainer("no-such-container"))
                .isInstanceOf(ContainerNotFoundException.class)
                .hasMessageContaining("no-such-container");
    }

    @Test
    void namesAreUniqueUntilTheContainerIsRemoved() {
        String name = "unique-" + System.nanoTime();
        ContainerInfo first = create(ContainerSpec.builder(busybox()).name(name).cmd("true"));

        assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox()).name(name).cmd("true").build()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("\"" + name + "\" is already in use by container " + first.shortId());
        engine.removeContainer(first.id(), false);

        ContainerInfo second = create(ContainerSpec.builder(busybox()).name(name).cmd("true"));
        assertThat(engine.inspectContainer(name).id()).isEqualTo(second.id());
    }

    @Test
    void listShowsRunningContainersOrAllAndFiltersByLabels() {
        String run = "run-" + System.nanoTime();
        ContainerInfo sleeping = run(ContainerSpec.builder(busybox()).label("test.run", run).label("role", "sleeper")
                .cmd("sleep", "1000"));
        ContainerInfo done = run(ContainerSpec.builder(busybox()).label("test.run", run).label("role", "done").cmd("true"));
        exited(engine, done.id());

        assertThat(engine.containers(false, Map.of("test.run", run))).extracting(ContainerInfo::id).containsExactly(sleeping.id());
        assertThat(engine.containers(true, Map.of("test.run", run))).extracting(ContainerInfo::id)
                .containsExactly(done.id(), sleeping.id());
        assertThat(engine.containers(true, Map.of("test.run", run, "role", "done"))).extracting(ContainerInfo::id)
                .containsExactly(done.id());
        assertThat(engine.containers(true, Map.of("test.run", run, "role", ""))).hasSize(2);
        assertThat(engine.containers(true, Map.of("test.run", run, "absent", ""))).isEmpty();
        assertThat(engine.containers(false, Map.of("test.run", run)).get(0).state().pid()).isPositive();
    }

    @Test
    void autoRemoveRemovesTheContainerWhenItExitsAndWaitStillGetsTheExit() {
        ContainerInfo quick = run(ContainerSpec.builder(busybox()).autoRemove(true).cmd("sh", "-c", "exit 5"));
        ContainerInfo slower = run(ContainerSpec.builder(busybox()).autoRemove(true).name("auto-" + System.nanoTime())
                .cmd("sh", "-c", "sleep 0.2; exit 6"));

        // quick may be gone before the wait (or even before runContainer's own inspect): wait still tells its exit
        assertThat(engine.waitContainer(quick.id(), ContainerTestbed.WAIT).exitCode()).isEqualTo(5);
        assertThat(engine.waitContainer(slower.name(), ContainerTestbed.WAIT).exitCode()).isEqualTo(6);
        assertThatThrownBy(() -> engine.inspectContainer(quick.id())).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> engine.inspectContainer(slower.id())).isInstanceOf(ContainerNotFoundException.class);
        assertThat(engine.containers(true, Map.of())).extracting(ContainerInfo::id).doesNotContain(quick.id(), slower.id());
    }

    @Test
    void aMissingEntrypointIsAClearStartError() {
        ContainerSpec spec = ContainerSpec.builder(busybox()).entrypoint("/no/such/binary").build();

        assertThatThrownBy(() -> engine.runContainer(spec))
                .isInstanceOfSatisfying(ContainerStartException.class, e -> {
                    removeLater(e.containerId());
                    assertThat(e.getMessage()).contains("exec of \"/no/such/binary\" in container failed: no such file or "
                            + "directory (is the entrypoint in the image?)");
                    assertThat(engine.inspectContainer(e.containerId()).state().exitCode()).isEqualTo(127);
                    assertThat(engine.inspectContainer(e.containerId()).state().error()).contains("/no/such/binary");
                });
        assertThatThrownBy(() -> engine.runContainer(ContainerSpec.builder(busybox()).cmd("no-such-command").build()))
                .isInstanceOfSatisfying(ContainerStartException.class, e -> removeLater(e.containerId()))
                .hasMessageContaining("executable file not found in $PATH");
    }

    @Test
    void entrypointAndCmdFollowDockersRules() {
        ContainerInfo imageCmd = create(ContainerSpec.builder(busybox()));
        ContainerInfo entrypointDropsImageCmd = run(ContainerSpec.builder(busybox()).entrypoint("echo"));
        ContainerInfo entrypointWithCmd = run(ContainerSpec.builder(busybox()).entrypoint("echo", "a").cmd("b"));

        assertThat(imageCmd.command()).containsExactly("sh");
        assertThat(entrypointDropsImageCmd.command()).containsExactly("echo");
        exited(engine, entrypointDropsImageCmd.id());
        exited(engine, entrypointWithCmd.id());
        assertThat(stdout(engine, entrypointDropsImageCmd.id())).isEmpty();
        assertThat(stdout(engine, entrypointWithCmd.id())).isEqualTo("a b");
    }

    @Test
    void environmentHostnameWorkingDirectoryAndUserAreDockers() {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).env("GREETING", "hello world").env("PATH", "/bin")
                .workingDir("/srv/app/../app").user("nobody")
                .cmd("sh", "-c", "pwd; hostname; id; echo \"$GREETING\"; echo \"$PATH\"; echo \"$HOSTNAME\"; echo \"$HOME\""));

        assertThat(exited(engine, info.id()).exitCode()).isZero();
        assertThat(stdout(engine, info.id()).split("\n")).containsExactly("/srv/app", info.shortId(),
                "uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)", "hello world", "/bin", info.shortId(), "/nonexistent");
        assertThat(info.env()).containsExactly("PATH=/bin", "GREETING=hello world");
        assertThat(info.networks()).containsOnlyKeys("bridge");
    }

    @Test
    void anImageAContainerUsesCannotBeRemovedButItsOtherTagsCan() {
        // the test bed's zstd image is busybox with zstd-compressed layers: a single-tag image of its own
        ImageReference zstd = ImageReference.parse(ContainerTestbed.image("zstd:latest"));
        ContainerInfo info = create(ContainerSpec.builder(zstd.toString()).cmd("true"));

        assertThatThrownBy(() -> engine.removeImage(zstd))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("container " + info.name() + " (" + info.shortId() + ") uses it — remove the container first");
        // busybox:1.35 is also busybox:latest: removing one of its tags is fine while containers use it
        ContainerInfo other = create(ContainerSpec.builder(ContainerTestbed.image("busybox:1.35")).cmd("true"));
        engine.removeImage(ImageReference.parse(ContainerTestbed.image("busybox:1.35")));
        assertThat(engine.inspectContainer(other.id()).image()).endsWith("busybox:1.35");
        // zstd's config is busybox's (the same image id, as Docker counts images): both containers hold it
        engine.removeContainer(other.id(), false);
        engine.removeContainer(info.id(), false);
        engine.removeImage(zstd);
        assertThat(engine.image(zstd)).isEmpty();
    }

    @Test
    void anUnknownNetworkIsAnErrorAndNoneCannotPublish() {
        assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox()).networkMode("none")
                .port(PortBinding.loopback(80)).build()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("with network mode none cannot publish ports");
        assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox()).networkMode("backend").build()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("no such network: backend");
    }

    @Test
    void hostNetworkModeUsesTheHostsNetworkAndHostname() throws Exception {
        ContainerInfo info = run(ContainerSpec.builder(busybox()).networkMode("host").cmd("sh", "-c", "hostname; ls /sys/class/net"));

        exited(engine, info.id());
        String hostname = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        assertThat(stdout(engine, info.id())).startsWith(hostname + "\n").contains("lo");
        assertThat(stdout(engine, info.id()).split("\n").length).isGreaterThan(2);
    }
}
