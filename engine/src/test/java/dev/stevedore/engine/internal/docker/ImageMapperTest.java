package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImageMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void mapsAnInspectAnswer() throws Exception {
        JsonNode inspect = json("{'Id':'sha256:71c7','RepoTags':['127.0.0.1:5000/library/busybox:latest','busybox:latest'],"
                + "'RepoDigests':['busybox@sha256:aaaa','127.0.0.1:5000/library/busybox@sha256:29db'],"
                + "'Created':'2024-05-06T07:08:09.123456789Z','Architecture':'arm64','Variant':'v8','Os':'linux','Size':1984240,"
                + "'RootFS':{'Type':'layers','Layers':['sha256:5d3d','sha256:6e4e']},"
                + "'Config':{'User':'postgres','Env':['PATH=/bin','PGDATA=/var/lib/postgresql/data'],'Cmd':['postgres'],"
                + "'Entrypoint':['docker-entrypoint.sh'],'WorkingDir':'/','ExposedPorts':{'5432/tcp':{}},"
                + "'Volumes':{'/var/lib/postgresql/data':{}},'Labels':{'maintainer':'x'},'StopSignal':'SIGINT',"
                + "'Healthcheck':{'Test':['CMD','pg_isready'],'Interval':5000000000,'Timeout':1000000000,'StartPeriod':0,'Retries':5}}}");

        Image image = ImageMapper.image(inspect, ImageReference.parse("127.0.0.1:5000/library/busybox:latest"));

        assertThat(image.references()).containsExactly(ImageReference.parse("127.0.0.1:5000/library/busybox:latest"),
                ImageReference.parse("busybox:latest"));
        assertThat(image.id()).isEqualTo("sha256:71c7");
        assertThat(image.manifestDigest()).as("the digest of the repository asked for").isEqualTo("sha256:29db");
        assertThat(image.platform()).isEqualTo(new Platform("linux", "arm64", "v8"));
        assertThat(image.layers()).containsExactly("sha256:5d3d", "sha256:6e4e");
        assertThat(image.size()).isEqualTo(1984240);
        assertThat(image.created()).isEqualTo(Instant.parse("2024-05-06T07:08:09.123456789Z"));
        assertThat(image.config()).isEqualTo(new ImageConfig(List.of("docker-entrypoint.sh"), List.of("postgres"),
                List.of("PATH=/bin", "PGDATA=/var/lib/postgresql/data"), "/", "postgres", java.util.Set.of("5432/tcp"),
                java.util.Set.of("/var/lib/postgresql/data"), java.util.Map.of("maintainer", "x"), "SIGINT",
                new ImageConfig.Healthcheck(List.of("CMD", "pg_isready"), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ZERO, 5)));
    }

    @Test
    void aLoadedImageHasNoManifestDigestAndNullsAreEmpty() throws Exception {
        JsonNode inspect = json("{'Id':'sha256:71c7','RepoTags':['busybox:latest'],'RepoDigests':[],'Created':'',"
                + "'Architecture':'amd64','Os':'linux','Config':{'Env':null,'Cmd':null,'Entrypoint':null,'Labels':null,"
                + "'ExposedPorts':null,'Volumes':null}}");

        Image image = ImageMapper.image(inspect, null);

        assertThat(image.manifestDigest()).isNull();
        assertThat(image.created()).isNull();
        assertThat(image.config()).isEqualTo(ImageConfig.empty());
    }

    @Test
    void anUntaggedImageIsKnownByItsDigestedName() throws Exception {
        JsonNode inspect = json("{'Id':'sha256:71c7','RepoTags':[],'RepoDigests':['127.0.0.1:5000/library/busybox@sha256:"
                + "29dbb8da7366295f00682f52d9c78fb6515b8f2bb83b57328c5f6c624481311c'],'Os':'linux','Architecture':'x86_64'}");

        Image image = ImageMapper.image(inspect, null);

        assertThat(image.references()).containsExactly(ImageReference.parse(
                "127.0.0.1:5000/library/busybox@sha256:29dbb8da7366295f00682f52d9c78fb6515b8f2bb83b57328c5f6c624481311c"));
        assertThat(image.platform().architecture()).isEqualTo("amd64");
    }

    @Test
    void danglingImagesHaveNoReferences() throws Exception {
        JsonNode inspect = json("{'Id':'sha256:71c7','RepoTags':['<none>:<none>'],'RepoDigests':['<none>@<none>'],'Os':'linux','Architecture':'amd64'}");

        assertThat(ImageMapper.image(inspect, null).references()).isEmpty();
    }
}
