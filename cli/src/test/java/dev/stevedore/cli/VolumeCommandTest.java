package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeInfo;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeCommandTest {
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000));
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void createPrintsTheNameAndKeepsTheLabelsAndMarksTheVolumeKept() {
        CliRunner.Result result = cli.run("volume", "create", "--label", "team=shop", "-l", "tier", "pgdata");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly("pgdata");
        assertThat(engine.inspectVolume("pgdata").labels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "shop", "tier", "", ContainerSpec.KEEP_LABEL, "true"));
    }

    @Test
    void createWithoutANamePrintsTheGeneratedOne() {
        CliRunner.Result result = cli.run("volume", "create");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).singleElement().asString().matches("[0-9a-f]{64}");
        assertThat(engine.volumes()).extracting(VolumeInfo::name).containsExactly(result.outLines().get(0));
    }

    @Test
    void anInvalidNameIsAUsageErrorBeforeTheEngineIsAsked() {
        CliRunner.Result result = cli.run("volume", "create", "/not/a/name");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("volume name \"/not/a/name\"", "bind mount");
        assertThat(engine.volumes()).isEmpty();
    }

    @Test
    void lsListsByNameAndQuietPrintsOnlyNames() {
        cli.run("volume", "create", "b-vol");
        cli.run("volume", "create", "a-vol");

        assertThat(cli.run("volume", "ls").outLines()).containsExactly(
                "DRIVER    VOLUME NAME",
                "local     a-vol",
                "local     b-vol");
        assertThat(cli.run("volume", "ls", "-q").outLines()).containsExactly("a-vol", "b-vol");
    }

    @Test
    void inspectPrintsDockersDocument() {
        cli.run("volume", "create", "-l", "k=v", "pgdata");

        CliRunner.Result result = cli.run("volume", "inspect", "pgdata");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("\"Name\": \"pgdata\"", "\"Driver\": \"local\"", "\"k\": \"v\"",
                "\"Mountpoint\": \"/fake/volumes/pgdata/_data\"");
    }

    @Test
    void rmRefusesAVolumeInUseGoesOnAndExitsOne() {
        cli.run("volume", "create", "used");
        cli.run("volume", "create", "free");
        engine.createContainer(ContainerSpec.builder("busybox").name("user").mount(Mount.volume("used", "/data", false)).build());

        CliRunner.Result result = cli.run("volume", "rm", "used", "free", "missing");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.outLines()).containsExactly("free");
        assertThat(result.err()).contains("cannot remove volume used: it is in use by container user", "no such volume: missing");
        assertThat(engine.volumes()).extracting(VolumeInfo::name).containsExactly("used");
    }

    @Test
    void rmForceIgnoresMissingVolumes() {
        CliRunner.Result result = cli.run("volume", "rm", "-f", "missing");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly("missing");
    }
}
