package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.VolumeInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DockerVolumesTest {

    @Test
    void inspectAnswerBecomesVolumeInfo() throws IOException {
        String json = """
                {"CreatedAt":"2026-11-23T07:53:48+01:00","Driver":"local","Labels":{"team":"a"},
                 "Mountpoint":"/var/lib/docker/volumes/pgdata/_data","Name":"pgdata","Options":null,"Scope":"local"}
                """;

        VolumeInfo info = DockerVolumes.info(DockerApi.MAPPER.readTree(json));

        assertThat(info).isEqualTo(new VolumeInfo("pgdata", Map.of("team", "a"), "/var/lib/docker/volumes/pgdata/_data",
                Instant.parse("2026-11-23T06:53:48Z")));
    }

    @Test
    void missingLabelsMountpointAndTimeAreEmptyOrNull() throws IOException {
        VolumeInfo info = DockerVolumes.info(DockerApi.MAPPER.readTree("{\"Name\":\"v\",\"Labels\":null}"));

        assertThat(info.labels()).isEmpty();
        assertThat(info.mountpoint()).isEmpty();
        assertThat(info.createdAt()).isNull();
    }
}
