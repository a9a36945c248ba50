package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.PortBinding;

import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PsCommandTest {
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_150_000);
    private final InMemoryEngine engine = new InMemoryEngine().store("busybox:latest", busybox);
    private final CliRunner cli = new CliRunner(engine);
    private ContainerInfo web;
    private ContainerInfo job;
    private ContainerInfo fresh;

    @BeforeEach
    void threeContainers() {
        engine.now = CliRunner.NOW.minusSeconds(3 * 3600);
        job = engine.runContainer(ContainerSpec.builder("busybox").name("job").cmd("sh", "-c", "echo done && exit 0")
                .label("team", "batch").build());
        engine.now = CliRunner.NOW.minusSeconds(120);
        engine.exit("job", 0);
        engine.now = CliRunner.NOW.minusSeconds(30);
        web = engine.runContainer(ContainerSpec.builder("busybox").name("web").cmd("httpd", "-f", "-p", "80")
                .label("team", "web").port(PortBinding.loopback(80)).build());
        engine.now = CliRunner.NOW.minusSeconds(3);
        fresh = engine.createContainer(ContainerSpec.builder("busybox").name("fresh").build());
    }

    @Test
    void listsRunningContainersInDockersColumns() {
        CliRunner.Result result = cli.run("ps");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly(
                "CONTAINER ID   IMAGE     COMMAND            CREATED          STATUS          PORTS                     NAMES",
                web.shortId() + "   busybox   \"httpd -f -p 80\"   30 seconds ago   Up 30 seconds   127.0.0.1:49153->80/tcp   web");
    }

    @Test
    void allShowsStoppedAndCreatedContainersNewestFirst() {
        CliRunner.Result result = cli.run("ps", "-a");

        assertThat(result.outLines()).hasSize(4);
        assertThat(result.outLines().get(1)).startsWith(fresh.shortId()).contains("   \"\"   ", "3 seconds ago", "Created", "fresh");
        assertThat(result.outLines().get(2)).startsWith(web.shortId());
        assertThat(result.outLines().get(3)).startsWith(job.shortId())
                .contains("\"sh -c 'echo done &&…\"", "3 hours ago", "Exited (0) 2 minutes ago", "job");
    }

    @Test
    void quietPrintsIdsAndNoTruncPrintsThemWhole() {
        assertThat(cli.run("ps", "-aq").outLines()).containsExactly(fresh.shortId(), web.shortId(), job.shortId());
        assertThat(cli.run("ps", "-q", "--no-trunc").outLines()).containsExactly(web.id());
        assertThat(cli.run("ps", "-a", "--no-trunc").out()).contains("\"sh -c 'echo done && exit 0'\"", job.id());
    }

    @Test
    void filtersByLabelNameAndStatus() {
        assertThat(cli.run("ps", "-aq", "--filter", "label=team=batch").outLines()).containsExactly(job.shortId());
        assertThat(cli.run("ps", "-aq", "--filter", "label=team").outLines()).containsExactly(web.shortId(), job.shortId());
        assertThat(cli.run("ps", "-q", "--filter", "label=team=batch").outLines()).as("running only").isEmpty();
        assertThat(cli.run("ps", "-aq", "-f", "name=fre").outLines()).containsExactly(fresh.shortId());
        assertThat(cli.run("ps", "-q", "-f", "status=exited").outLines()).as("status implies -a").containsExactly(job.shortId());
        assertThat(cli.run("ps", "-aq", "-f", "id=" + web.id().substring(0, 6)).outLines()).containsExactly(web.shortId());
    }

    @Test
    void unknownFiltersAndMalformedFormatsAreUsageErrors() {
        CliRunner.Result filter = cli.run("ps", "--filter", "health=fine");
        CliRunner.Result format = cli.run("ps", "--format", "{{.ID");

        assertThat(filter.exitCode()).isEqualTo(2);
        assertThat(filter.err()).contains("Unrecognised filter value for health: fine");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("template parsing error: template: :1: unclosed action");
    }

    @Test
    void theStatusShowsTheHealthAsDockerAndTheHealthFilterPicksByIt() {
        engine.health("web", new ContainerHealth(ContainerHealth.Status.HEALTHY, 0, List.of()));

        assertThat(cli.run("ps", "--format", "{{.Names}} {{.Status}}").outLines()).containsExactly("web Up 30 seconds (healthy)");
        assertThat(cli.run("ps", "-aq", "--filter", "health=healthy").outLines()).containsExactly(web.shortId());
        assertThat(cli.run("ps", "-aq", "--filter", "health=none").outLines()).containsExactly(fresh.shortId(), job.shortId());
        engine.health("web", new ContainerHealth(ContainerHealth.Status.STARTING, 0, List.of()));
        assertThat(cli.run("ps", "--format", "{{.Status}}").outLines()).containsExactly("Up 30 seconds (health: starting)");
    }

    @Test
    void templatesSeeDockersFieldsAndLabelTakesAKey() {
        CliRunner.Result plain = cli.run("ps", "-a", "--format", "{{.Names}} {{.State}} {{.Label \"team\"}} {{.Ports}}");
        CliRunner.Result table = cli.run("ps", "--format", "table {{.Names}}\\t{{.Label \"team\"}}\\t{{.Status}}");

        assertThat(plain.outLines()).containsExactly("fresh created  ", "web running web 127.0.0.1:49153->80/tcp",
                "job exited batch ");
        assertThat(table.outLines()).containsExactly("NAMES     team      STATUS", "web       web       Up 30 seconds");
    }

    @Test
    void filtersByAncestorExitCodeAndLatest() {
        assertThat(cli.run("ps", "-aq", "--filter", "ancestor=busybox").outLines()).hasSize(3);
        assertThat(cli.run("ps", "-aq", "--filter", "ancestor=postgres").outLines()).isEmpty();
        assertThat(cli.run("ps", "-q", "--filter", "exited=0").outLines()).containsExactly(job.shortId());
        assertThat(cli.run("ps", "-q", "--filter", "exited=1").outLines()).isEmpty();
        assertThat(cli.run("ps", "-ql").outLines()).containsExactly(fresh.shortId());
        assertThat(cli.run("ps", "-q", "-n", "2").outLines()).containsExactly(fresh.shortId(), web.shortId());
    }

    @Test
    void jsonFormatWritesOneObjectPerContainer() {
        CliRunner.Result result = cli.run("ps", "--format", "json");

        // docker's ContainerContext as its json writes it: every field, by name
        assertThat(result.outLines()).containsExactly("{\"Command\":\"\\\"httpd -f -p 80\\\"\",\"CreatedAt\":\""
                + Durations.goTime(java.time.Instant.parse("2025-06-01T11:59:30Z")) + "\",\"ID\":\"" + web.shortId()
                + "\",\"Image\":\"busybox\",\"Labels\":\"team=web\",\"LocalVolumes\":\"0\",\"Mounts\":\"\","
                + "\"Names\":\"web\",\"Networks\":\"default\",\"Ports\":\"127.0.0.1:49153->80/tcp\","
                + "\"RunningFor\":\"30 seconds ago\",\"Size\":\"0B\",\"State\":\"running\",\"Status\":\"Up 30 seconds\"}");
    }
}
