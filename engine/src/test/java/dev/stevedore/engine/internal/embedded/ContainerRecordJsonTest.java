package dev.stevedore.engine.internal.embedded;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.Resources;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.internal.json.RecordJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's records through {@link RecordJson}: the bytes Jackson's data binding wrote for them (configured as the
 * store's mapper was), and what it wrote read back as it read it, so files of older builds load and older builds load
 * these.
 */
class ContainerRecordJsonTest {
    /** The store's mapper as it was: records as they are, unknown names ignored, a Duration as milliseconds. */
    private static final ObjectMapper DATA_BINDING = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new SimpleModule("durations")
                    .addSerializer(Duration.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Duration value, JsonGenerator out, SerializerProvider serializers)
                                throws IOException {
                            out.writeNumber(value.toMillis());
                        }
                    })
                    .addDeserializer(Duration.class, new JsonDeserializer<>() {
                        @Override
                        public Duration deserialize(JsonParser in, DeserializationContext context) throws IOException {
                            return Duration.ofMillis(in.getLongValue());
                        }
                    }));

    /** A spec with every setting away from its default, so each component's JSON is compared. */
    private static ContainerSpec everySetting() {
        return ContainerSpec.builder("127.0.0.1:5000/library/busybox:latest").name("every").entrypoint("/bin/sh", "-c")
                .cmd("echo hi").env("A", "b").env("PATH=/bin").workingDir("/work").user("1000:1000").hostname("box")
                .label("k", "v").label("dev.stevedore.keep", "true").mount(Mount.bind("/tmp", "/host", true))
                .mount(Mount.volume("data", "/data", false)).mount(Mount.tmpfs("/run", "size=64m"))
                .readOnlyRootfs(true).shmSizeBytes(128 << 20).memoryBytes(256 << 20).cpus(1.5).pidsLimit(100)
                .networkMode("bridge").networkAlias("alias").port(PortBinding.parse("127.0.0.1:8080:80/tcp"))
                .publishAllPorts(true).expose("9000/udp").stopSignal("SIGINT").stopTimeout(Duration.ofMillis(2500))
                .pullPolicy(ContainerSpec.PullPolicy.ALWAYS).openStdin(true).stdinOnce(true).tty(true)
                .securityOpt("no-new-privileges").capAdd("NET_ADMIN").capDrop("MKNOD").extraHost("db:10.0.0.2")
                .dns("10.0.0.53").dnsSearch("example.org").dnsOption("ndots:2").ulimit("nofile=1024:2048")
                .ipv4Address("172.30.0.9").exposeHostPorts(8081).restartPolicy(RestartPolicy.parse("on-failure:3"))
                .volumesFrom("other:ro").logConfig(new LogConfig("json-file", Map.of("max-size", "10m")))
                .pidMode("host").ipcMode("private").cgroupnsMode("private").usernsMode("host")
                .device("/dev/null:/dev/nothing:rw").macAddress("02:42:ac:11:00:09").groupAdd("audio")
                .domainname("example.org").sysctl("net.ipv4.ip_forward", "1").init(true).link("db", "database")
                .healthCheck(new HealthCheck(List.of("CMD", "true"), Duration.ofSeconds(5), Duration.ofSeconds(2),
                        Duration.ofSeconds(1), Duration.ofMillis(500), 3))
                .privileged(true).declaredVolume("/declared").annotation("io.example.owner", "team-a")
                .resources(new Resources(512, 0, 0, "0", "0", 100, 64L << 20, 10, // a period or quota goes without cpus
                        dev.stevedore.engine.BlockIoLimits.NONE.withWeight("/dev/vda", 300).withReadBps("/dev/vda", 1 << 20)))
                .build();
    }

    private static ContainerRecord record(ContainerSpec spec) {
        return new ContainerRecord(1, "a".repeat(64), "every", spec.image(), "127.0.0.1:5000/library/busybox:latest",
                "sha256:" + "1".repeat(64), "sha256:" + "2".repeat(64), "2026-12-07T15:00:00.123456789Z",
                List.of("/layers/1", "/layers/2"), List.of("/bin/sh", "-c"), List.of("echo hi"), List.of("A=b", "PATH=/bin"),
                "/work", "1000:1000", "box", Map.of("k", "v"), List.of(
                        new ContainerRecord.MountRecord("bind", "/tmp", "/host", true, "ro", ""),
                        new ContainerRecord.MountRecord("volume", "/v/data/_data", "/data", false, "", "data"),
                        new ContainerRecord.MountRecord("tmpfs", "", "/run", false, "size=64m", "")),
                true, 128 << 20, 256 << 20, 1_500_000_000L, 100, "bridge", List.of("9000/udp"), "SIGINT", 2500, true, spec);
    }

    @Test
    void recordsAreWrittenInTheBytesDataBindingWrote() throws IOException {
        for (ContainerRecord record : List.of(record(everySetting()), record(ContainerSpec.builder("busybox").build()))) {
            assertThat(new String(RecordJson.write(record), StandardCharsets.UTF_8))
                    .isEqualTo(DATA_BINDING.writeValueAsString(record));
        }
        for (StateRecord state : List.of(StateRecord.created(), new StateRecord(1, "exited", 3, 42, 4242, 7, 77, 137, 9,
                true, "killed", "2026-12-07T15:00:00Z", "2026-12-07T15:00:01Z", 2))) {
            assertThat(new String(RecordJson.write(state), StandardCharsets.UTF_8))
                    .isEqualTo(DATA_BINDING.writeValueAsString(state));
        }
        Volumes.VolumeRecord volume = new Volumes.VolumeRecord(Map.of("a", "b"), "2026-12-07T15:00:00Z");
        assertThat(RecordJson.write(volume)).isEqualTo(DATA_BINDING.writeValueAsBytes(volume));
    }

    @Test
    void whatDataBindingWroteReadsBackAsItReadIt() throws IOException {
        ContainerRecord record = record(everySetting());
        byte[] written = DATA_BINDING.writeValueAsBytes(record);

        ContainerRecord read = RecordJson.read(written, ContainerRecord.class);

        assertThat(read).isEqualTo(record).isEqualTo(DATA_BINDING.readValue(written, ContainerRecord.class));
        assertThat(read.spec().stopTimeout()).isEqualTo(Duration.ofMillis(2500));
        StateRecord state = new StateRecord(1, "running", 1, 42, 4242, 7, 77, 0, 0, false, "", "2026-12-07T15:00:00Z",
                null, 0);
        assertThat(RecordJson.read(DATA_BINDING.writeValueAsBytes(state), StateRecord.class)).isEqualTo(state);
    }

    @Test
    void namesItDoesNotKnowAreSkippedAndMissingOnesReadAsDataBindingReadThem() throws IOException {
        ObjectNode tree = DATA_BINDING.valueToTree(record(everySetting()));
        tree.putObject("later").putArray("nested").add(1).addObject().put("deep", true); // a newer build's field
        ObjectNode spec = (ObjectNode) tree.get("spec");
        spec.put("laterSetting", "x");
        spec.remove(List.of("declaredVolumes", "privileged", "securityOpts", "healthCheck", "resources",
                "annotations")); // an older build's
        byte[] file = DATA_BINDING.writeValueAsBytes(tree);

        ContainerRecord read = RecordJson.read(file, ContainerRecord.class);

        assertThat(read).isEqualTo(DATA_BINDING.readValue(file, ContainerRecord.class));
        assertThat(read.spec().privileged()).isFalse();
        assertThat(read.spec().securityOpts()).isEmpty();
        assertThat(read.spec().annotations()).isEmpty();
    }

    @Test
    void aDamagedFileFailsNamingWhatWasWrong() {
        assertThatThrownBy(() -> RecordJson.read("{\"version\": \"one\"}".getBytes(StandardCharsets.US_ASCII),
                StateRecord.class)).isInstanceOf(IOException.class).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> RecordJson.read("{\"spec\": {\"pullPolicy\": \"SOMETIMES\"}}"
                .getBytes(StandardCharsets.US_ASCII), ContainerRecord.class))
                .isInstanceOf(IOException.class).hasMessageContaining("'SOMETIMES' is not one of [");
        assertThatThrownBy(() -> RecordJson.read(new byte[0], StateRecord.class))
                .isInstanceOf(IOException.class).hasMessageContaining("no content");
    }
}
