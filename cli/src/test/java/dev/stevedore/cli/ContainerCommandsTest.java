package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState.Status;
import dev.stevedore.engine.PortBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** stop, kill, rm, wait and port. */
@Timeout(30)
class ContainerCommandsTest {
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000));
    private final CliRunner cli = new CliRunner(engine);
    private ContainerInfo one;
    private ContainerInfo two;

    @BeforeEach
    void twoRunningContainers() {
        one = engine.runContainer(ContainerSpec.builder("busybox").name("one")
                .port(PortBinding.loopback(80)).port(PortBinding.parse("0.0.0.0:5353:53/udp")).port(PortBinding.loopback(443))
                .build());
        two = engine.runContainer(ContainerSpec.builder("busybox").name("two").build());
    }

    @Test
    void stopPrintsEachContainerAsNamedAndPassesTheGracePeriod() {
        CliRunner.Result result = cli.run("stop", "-t", "1", "one", two.id().substring(0, 8));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly("one", two.id().substring(0, 8));
        assertThat(engine.stops).containsExactly(Map.entry(one.id(), Duration.ofSeconds(1)), Map.entry(two.id(), Duration.ofSeconds(1)));
        assertThat(cli.run("stop", "one").exitCode()).as("stopping a stopped container does nothing").isZero();
        assertThat(engine.stops).containsEntry(one.id(), null);
    }

    @Test
    void aMissingContainerIsReportedAndTheOthersStillHandled() {
        CliRunner.Result result = cli.run("stop", "nope", "two");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.outLines()).containsExactly("two");
        assertThat(result.err()).isEqualTo("stevedore: no such container: nope" + System.lineSeparator());
        assertThat(engine.inspectContainer("two").state().status()).isEqualTo(Status.EXITED);
    }

    @Test
    void killSendsKillUnlessToldOtherwise() {
        CliRunner.Result killed = cli.run("kill", "one");
        CliRunner.Result hupped = cli.run("kill", "-s", "HUP", "two");

        assertThat(killed.outLines()).containsExactly("one");
        assertThat(hupped.outLines()).containsExactly("two");
        assertThat(engine.kills).containsExactly(one.id() + " KILL", two.id() + " HUP");
        assertThat(engine.inspectContainer("one").state().exitCode()).isEqualTo(137);
    }

    @Test
    void rmRefusesRunningContainersUnlessForced() {
        CliRunner.Result refused = cli.run("rm", "one");
        CliRunner.Result forced = cli.run("rm", "-f", "one");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("stevedore: removing container one failed: it is running");
        assertThat(forced.exitCode()).isZero();
        assertThat(forced.outLines()).containsExactly("one");
        assertThat(engine.removed).containsExactly(one.id());
    }

    @Test
    void waitPrintsTheExitCodeOnceTheContainerExits() {
        CliRunner.Running waiting = cli.start("wait", "one");
        await().until(() -> engine.waits.get() == 1);
        assertThat(waiting.exitCode()).isNotDone();

        engine.exit("one", 7);

        assertThat(waiting.result().outLines()).containsExactly("7");
        CliRunner.Result again = cli.run("wait", "one", "nope");
        assertThat(again.outLines()).containsExactly("7");
        assertThat(again.exitCode()).isEqualTo(1);
    }

    @Test
    void portListsBoundPortsOrWhereOneIsPublished() {
        CliRunner.Result all = cli.run("port", "one");
        CliRunner.Result udp = cli.run("port", "one", "53/udp");
        CliRunner.Result https = cli.run("port", "one", "443");
        CliRunner.Result unpublished = cli.run("port", "one", "8080");
        CliRunner.Result malformed = cli.run("port", "one", "http");

        assertThat(all.outLines()).containsExactly("53/udp -> 0.0.0.0:5353", "80/tcp -> 127.0.0.1:49153",
                "443/tcp -> 127.0.0.1:49154");
        assertThat(udp.outLines()).containsExactly("0.0.0.0:5353");
        assertThat(https.outLines()).containsExactly("127.0.0.1:49154");
        assertThat(unpublished.exitCode()).isEqualTo(1);
        assertThat(unpublished.err()).startsWith("stevedore: no public port '8080/tcp' published for one");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(cli.run("port", "two").out()).isEmpty();
    }
}
