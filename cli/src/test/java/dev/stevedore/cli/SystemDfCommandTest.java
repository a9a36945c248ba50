package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.VolumeSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SystemDfCommandTest {
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000_000);
    private final Image postgres = InMemoryEngine.image("postgres", Instant.parse("2025-04-01T12:00:00Z"), 300_000_000);
    private final InMemoryEngine engine = new InMemoryEngine().store("busybox:latest", busybox).store("postgres:15", postgres);
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void countsWhatContainersUseInDockersRowsAndColumns() {
        engine.createContainer(ContainerSpec.builder("busybox:latest").name("one").build());
        engine.createVolume(VolumeSpec.named("data"));

        CliRunner.Result result = cli.run("system", "df");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsExactly(
                "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE",
                "Images          2         1         302MB     300MB (99%)",
                "Containers      1         0         0B        0B",
                "Local Volumes   1         0         0B        0B",
                "Build Cache     0         0         0B        0B");
    }

    @Test
    void jsonFormatPrintsDockersObjectPerRow() {
        CliRunner.Result result = cli.run("system", "df", "--format", "json");

        assertThat(result.outLines()).hasSize(4);
        assertThat(result.outLines().get(0)).isEqualTo(
                "{\"Active\":\"0\",\"Reclaimable\":\"302MB (100%)\",\"Size\":\"302MB\",\"TotalCount\":\"2\",\"Type\":\"Images\"}");
        assertThat(result.outLines()).extracting(line -> line.substring(line.indexOf("\"Type\""))).containsExactly(
                "\"Type\":\"Images\"}", "\"Type\":\"Containers\"}", "\"Type\":\"Local Volumes\"}", "\"Type\":\"Build Cache\"}");
    }

    @Test
    void templatesRunOverDockersFieldsWithDockersHeaders() {
        assertThat(cli.run("system", "df", "--format", "{{.Type}}: {{.TotalCount}}/{{.Active}}").outLines())
                .containsExactly("Images: 2/0", "Containers: 0/0", "Local Volumes: 0/0", "Build Cache: 0/0");
        assertThat(cli.run("system", "df", "--format", "table {{.Type}}\\t{{.Reclaimable}}").outLines().get(0))
                .isEqualTo("TYPE            RECLAIMABLE");
        assertThat(cli.run("system", "df", "--format", "{{.Nope}}").err()).contains("can't evaluate field Nope");
    }
}
