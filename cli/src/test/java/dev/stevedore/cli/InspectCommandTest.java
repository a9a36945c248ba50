package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InspectCommandTest {
    private final Image postgres = RunCommandTest.withConfig(
            InMemoryEngine.image("postgres", Instant.parse("2025-04-01T12:00:00Z"), 2_000),
            new ImageConfig(List.of("docker-entrypoint.sh"), List.of("postgres"), List.of("PGDATA=/var/lib/postgresql/data"),
                    "/", "postgres", Set.of("5432/tcp"), Set.of("/var/lib/postgresql/data"), Map.of("maintainer", "pg"),
                    "SIGINT", null));
    private final InMemoryEngine engine = new InMemoryEngine().store("postgres:15", postgres);
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void writesDockersFieldNamesAsAnIndentedArray() throws Exception {
        engine.now = CliRunner.NOW.minusSeconds(60);
        ContainerInfo db = engine.runContainer(ContainerSpec.builder("postgres:15").name("db").cmd("postgres", "-c", "fsync=off")
                .env("POSTGRES_PASSWORD", "pw").label("app", "shop").port(PortBinding.loopback(5432))
                .mount(Mount.bind("/srv/init", "/docker-entrypoint-initdb.d", true)).mount(Mount.tmpfs("/run", "size=1m"))
                .memoryBytes(512L << 20).cpus(0.5).pidsLimit(64).stopTimeout(Duration.ofSeconds(3)).networkAlias("database")
                .build());

        CliRunner.Result result = cli.run("inspect", "db");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("[\n    {\n        \"Id\": \"" + db.id() + "\",\n");
        JsonNode document = new ObjectMapper().readTree(result.out()).get(0);
        assertThat(document.get("Created").asText()).isEqualTo("2025-06-01T11:59:00Z");
        assertThat(document.get("Path").asText()).isEqualTo("docker-entrypoint.sh");
        assertThat(document.get("Args")).extracting(JsonNode::asText).containsExactly("postgres", "-c", "fsync=off");
        assertThat(document.get("Name").asText()).isEqualTo("/db");
        assertThat(document.get("Image").asText()).isEqualTo(postgres.id());
        JsonNode state = document.get("State");
        assertThat(state.get("Status").asText()).isEqualTo("running");
        assertThat(state.get("Running").asBoolean()).isTrue();
        assertThat(state.get("Pid").asLong()).isEqualTo(4242);
        assertThat(state.get("ExitCode").asInt()).isZero();
        assertThat(state.get("OOMKilled").asBoolean()).isFalse();
        assertThat(state.get("StartedAt").asText()).isEqualTo("2025-06-01T11:59:00Z");
        assertThat(state.get("FinishedAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        JsonNode config = document.get("Config");
        assertThat(config.get("Image").asText()).isEqualTo("postgres:15");
        assertThat(config.get("Entrypoint")).extracting(JsonNode::asText).containsExactly("docker-entrypoint.sh");
        assertThat(config.get("Cmd")).extracting(JsonNode::asText).containsExactly("postgres", "-c", "fsync=off");
        assertThat(config.get("Env")).extracting(JsonNode::asText)
                .containsExactly("PGDATA=/var/lib/postgresql/data", "POSTGRES_PASSWORD=pw");
        assertThat(config.get("User").asText()).isEqualTo("postgres");
        assertThat(config.get("Hostname").asText()).isEqualTo(db.shortId());
        assertThat(config.get("Labels").get("app").asText()).isEqualTo("shop");
        assertThat(config.get("StopSignal").asText()).isEqualTo("SIGINT");
        assertThat(config.get("StopTimeout").asInt()).isEqualTo(3);
        assertThat(config.get("ExposedPorts").has("5432/tcp")).isTrue();
        JsonNode host = document.get("HostConfig");
        assertThat(host.get("Binds")).extracting(JsonNode::asText).containsExactly("/srv/init:/docker-entrypoint-initdb.d:ro");
        assertThat(host.get("Tmpfs").get("/run").asText()).isEqualTo("size=1m");
        assertThat(host.get("Memory").asLong()).isEqualTo(512L << 20);
        assertThat(host.get("NanoCpus").asLong()).isEqualTo(500_000_000L);
        assertThat(host.get("PidsLimit").asLong()).isEqualTo(64);
        assertThat(host.get("PortBindings").get("5432/tcp").get(0).get("HostPort").asText()).isEmpty();
        assertThat(document.get("Mounts")).hasSize(2);
        assertThat(document.get("Mounts").get(0).get("RW").asBoolean()).isFalse();
        JsonNode ports = document.get("NetworkSettings").get("Ports").get("5432/tcp").get(0);
        assertThat(ports.get("HostIp").asText()).isEqualTo("127.0.0.1");
        assertThat(ports.get("HostPort").asText()).isEqualTo("49153");
        assertThat(document.get("NetworkSettings").get("Networks").get("default").get("Aliases"))
                .extracting(JsonNode::asText).containsExactly("database", db.shortId());
    }

    @Test
    void printsWhatItFoundAndReportsTheRest() throws Exception {
        ContainerInfo created = engine.createContainer(ContainerSpec.builder("postgres:15").entrypoint("sh").build());

        CliRunner.Result result = cli.run("inspect", created.id().substring(0, 5), "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("stevedore: no such container: nope" + System.lineSeparator());
        JsonNode document = new ObjectMapper().readTree(result.out()).get(0);
        assertThat(document.get("State").get("Status").asText()).isEqualTo("created");
        assertThat(document.get("State").get("StartedAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(document.get("Config").get("Entrypoint")).extracting(JsonNode::asText).containsExactly("sh");
        assertThat(document.get("Config").get("Cmd").isNull()).as("a new entrypoint drops the image's CMD").isTrue();
        assertThat(cli.run("inspect", "nope").out()).isEqualTo("[]" + System.lineSeparator());
    }
}
