package dev.stevedore.dsl.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.compose.ComposeService.Condition;
import dev.stevedore.dsl.compose.ComposeService.Volume;
import dev.stevedore.dsl.compose.internal.ComposeParser;
import dev.stevedore.engine.RestartPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeProjectTest {
    @TempDir
    Path dir;

    private ComposeProject read(String yaml, Map<String, String> variables, Map<String, String> environment) throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, yaml);
        return ComposeParser.parse(file, null, variables, environment);
    }

    private ComposeProject read(String yaml) throws IOException {
        return read(yaml, Map.of(), Map.of());
    }

    @Test
    void variablesComeFromTheCallerThenTheEnvironmentThenDotEnvWithDefaults() throws IOException {
        Files.writeString(dir.resolve(".env"), "# comment\nTAG=from-dotenv\nexport PORT='8081'\nONLY_DOTENV=\"dot\"\n");
        ComposeProject project = read("""
                services:
                  app:
                    image: "busybox:${TAG}"
                    environment:
                      A: ${ONLY_DOTENV}
                      B: ${MISSING:-fallback}
                      C: ${EMPTY:-empty-replaced}
                      D: ${EMPTY-empty-kept}
                      E: $$NOT_A_VARIABLE
                      F: ${MISSING:-${ONLY_DOTENV}-nested}
                      G: pre-$PORT-post
                """, Map.of("PORT", "9000"), Map.of("TAG", "from-env", "EMPTY", ""));
        ComposeService app = project.service("app");
        assertThat(app.image()).isEqualTo("busybox:from-env");
        assertThat(app.environment()).containsExactly(Map.entry("A", "dot"), Map.entry("B", "fallback"),
                Map.entry("C", "empty-replaced"), Map.entry("D", ""), Map.entry("E", "$NOT_A_VARIABLE"),
                Map.entry("F", "dot-nested"), Map.entry("G", "pre-9000-post"));
    }

    @Test
    void aRequiredVariableThatIsMissingFailsWithItsMessage() {
        assertThatThrownBy(() -> read("services:\n  app:\n    image: ${IMAGE:?set IMAGE to the image under test}\n"))
                .isInstanceOf(ComposeFileException.class)
                .hasMessageContaining("compose.yaml: services: app: image: variable IMAGE is not set: set IMAGE to the image under test");
    }

    @Test
    void theProjectIsNamedByTheFileElseTheCallerElseItsDirectory() throws IOException {
        assertThat(read("name: shop\nservices: {a: {image: busybox}}\n").name()).isEqualTo("shop");
        Path file = dir.resolve("compose.yaml");
        assertThat(ComposeProject.read(file, "given", Map.of()).name()).isEqualTo("given");
        Path sub = Files.createDirectories(dir.resolve("My App.v2"));
        Files.writeString(sub.resolve("compose.yml"), "services: {a: {image: busybox}}\n");
        assertThat(ComposeProject.read(sub.resolve("compose.yml")).name()).isEqualTo("myappv2");
    }

    @Test
    void everySupportedKeyIsRead() throws IOException {
        Files.writeString(dir.resolve("app.env"), "FROM_FILE=1\nOVERRIDDEN=file\n");
        ComposeProject project = read("""
                version: "3.9"
                x-common: &common
                  image: busybox
                services:
                  db:
                    <<: *common
                    healthcheck:
                      test: ["CMD-SHELL", "pg_isready -U postgres"]
                      interval: 1m30s
                      timeout: 500ms
                      retries: 5
                      start_period: 2s
                  job:
                    image: busybox
                    healthcheck:
                      test: ["CMD", "true"]
                      disable: true
                  app:
                    build:
                      context: ./app
                      dockerfile: Dockerfile.dev
                      args: [VERSION=2]
                      target: run
                    command: sh -c 'echo "a b" c\\ d'
                    entrypoint: ["/entry", "x"]
                    env_file: [app.env]
                    environment: [OVERRIDDEN=inline, FLAG]
                    ports: ["8080", "127.0.0.1:9000:80", "5432:5432/tcp", {target: 81, published: 9001}]
                    volumes:
                      - cache:/cache
                      - ./src:/src:ro
                      - /abs:/abs
                      - {type: tmpfs, target: /run/t}
                    tmpfs: [/tmp]
                    networks:
                      back:
                        aliases: [api, api2]
                      front: {}
                    depends_on:
                      db: {condition: service_healthy}
                      job: {condition: service_completed_successfully}
                    labels: {a: b}
                    user: "1000:1000"
                    working_dir: /src
                    restart: "no"
                volumes:
                  cache: {}
                networks:
                  back: {internal: true, labels: [x=y]}
                  front:
                """, Map.of(), Map.of("FLAG", "on"));
        assertThat(project.services()).containsOnlyKeys("db", "job", "app");
        ComposeService db = project.service("db");
        assertThat(db.image()).isEqualTo("busybox");
        assertThat(db.networks()).containsOnlyKeys("default");
        assertThat(db.healthcheck()).isEqualTo(new ComposeService.Healthcheck(List.of("/bin/sh", "-c", "pg_isready -U postgres"),
                Duration.ofSeconds(90), Duration.ofMillis(500), 5, Duration.ofSeconds(2)));
        assertThat(project.service("job").healthcheck()).isNull();
        ComposeService app = project.service("app");
        assertThat(app.image()).isEqualTo(project.name() + "-app");
        assertThat(app.build()).isEqualTo(new ComposeService.Build(dir.resolve("app"), "Dockerfile.dev", Map.of("VERSION", "2"), "run"));
        assertThat(app.command()).containsExactly("sh", "-c", "echo \"a b\" c\\ d");
        assertThat(app.entrypoint()).containsExactly("/entry", "x");
        assertThat(app.environment()).containsExactly(Map.entry("FROM_FILE", "1"), Map.entry("OVERRIDDEN", "inline"),
                Map.entry("FLAG", "on"));
        assertThat(app.ports()).containsExactly(new ComposeService.Port(null, 0, 8080),
                new ComposeService.Port("127.0.0.1", 9000, 80), new ComposeService.Port(null, 5432, 5432),
                new ComposeService.Port(null, 9001, 81));
        assertThat(app.volumes()).containsExactly(new Volume(Volume.Type.VOLUME, "cache", "/cache", false),
                new Volume(Volume.Type.BIND, dir.resolve("src").toString(), "/src", true),
                new Volume(Volume.Type.BIND, "/abs", "/abs", false),
                new Volume(Volume.Type.TMPFS, null, "/run/t", false), new Volume(Volume.Type.TMPFS, null, "/tmp", false));
        assertThat(app.networks()).containsExactly(Map.entry("back", List.of("api", "api2")), Map.entry("front", List.of()));
        assertThat(app.dependsOn()).containsExactly(Map.entry("db", Condition.SERVICE_HEALTHY),
                Map.entry("job", Condition.SERVICE_COMPLETED_SUCCESSFULLY));
        assertThat(app.labels()).containsExactly(Map.entry("a", "b"));
        assertThat(app.user()).isEqualTo("1000:1000");
        assertThat(app.workingDir()).isEqualTo("/src");
        assertThat(project.networks()).containsOnlyKeys("default", "back", "front");
        assertThat(project.networks().get("back")).isEqualTo(new ComposeProject.ComposeNetwork(true, Map.of("x", "y")));
        assertThat(project.volumes()).containsOnlyKeys("cache");
        assertThat(project.startOrder()).extracting(ComposeService::name).containsExactly("db", "job", "app");
    }

    @Test
    void theDefaultNetworkIsOnlyThereWhenAServiceUsesIt() throws IOException {
        ComposeProject project = read("services:\n  a: {image: busybox, networks: [n]}\nnetworks:\n  n: {}\n  unused: {}\n");
        assertThat(project.networks()).containsOnlyKeys("n");
    }

    @Test
    void servicesStartAfterWhatTheyDependOn() throws IOException {
        ComposeProject project = read("""
                services:
                  web: {image: busybox, depends_on: [api]}
                  api: {image: busybox, depends_on: [db, cache]}
                  cache: {image: busybox}
                  db: {image: busybox}
                """);
        assertThat(project.startOrder()).extracting(ComposeService::name).containsExactly("db", "cache", "api", "web");
    }

    @Test
    void restartPoliciesAreTheEnginesAndNoIsTheDefault() throws IOException {
        ComposeProject project = read("""
                services:
                  a: {image: busybox, restart: always}
                  b: {image: busybox, restart: "on-failure:3"}
                  c: {image: busybox, restart: unless-stopped}
                  d: {image: busybox, restart: no}
                  e: {image: busybox}
                """);

        assertThat(project.service("a").restart()).isEqualTo(RestartPolicy.parse("always"));
        assertThat(project.service("b").restart()).isEqualTo(RestartPolicy.parse("on-failure:3"));
        assertThat(project.service("c").restart()).isEqualTo(RestartPolicy.parse("unless-stopped"));
        assertThat(project.service("d").restart()).isEqualTo(RestartPolicy.NO);
        assertThat(project.service("e").restart()).isEqualTo(RestartPolicy.NO);
    }

    @Test
    void volumesFromIsReadAndTheServiceItNamesStartsFirst() throws IOException {
        ComposeProject project = read("""
                services:
                  app: {image: busybox, volumes_from: ["data:ro", "container:outside"]}
                  data: {image: busybox}
                """);

        assertThat(project.service("app").volumesFrom()).containsExactly("data:ro", "container:outside");
        assertThat(project.startOrder()).extracting(ComposeService::name).containsExactly("data", "app");
        assertThatThrownBy(() -> read("services:\n  app: {image: busybox, volumes_from: ['data:z']}\n  data: {image: busybox}\n"))
                .hasMessageStartingWith("compose.yaml: service \"app\": volumes_from: invalid mode for volumes-from: data:z");
        assertThatThrownBy(() -> read("services:\n  app: {image: busybox, volumes_from: [nowhere]}\n"))
                .hasMessageContaining("nowhere");
    }

    @Test
    void linksAreReadAsServiceAndAliasAndTheServiceTheyNameStartsFirst() throws IOException {
        ComposeProject project = read("""
                services:
                  app: {image: busybox, links: ["db:database", "cache"]}
                  db: {image: busybox}
                  cache: {image: busybox}
                """);

        assertThat(project.service("app").links()).containsExactly("db:database", "cache:cache");
        assertThat(project.startOrder()).extracting(ComposeService::name).endsWith("app");
        assertThatThrownBy(() -> read("services:\n  app: {image: busybox, links: ['db:']}\n  db: {image: busybox}\n"))
                .hasMessageStartingWith("compose.yaml: service \"app\": links: invalid link \"db:\"");
        assertThatThrownBy(() -> read("services:\n  app: {image: busybox, links: [nowhere]}\n"))
                .hasMessageContaining("nowhere");
    }

    @Test
    void privilegedIsReadAsTrueOrFalse() throws IOException {
        ComposeProject project = read("services:\n  dind: {image: docker, privileged: true}\n  app: {image: busybox}\n");

        assertThat(project.service("dind").privileged()).isTrue();
        assertThat(project.service("app").privileged()).isFalse();
        assertThatThrownBy(() -> read("services:\n  dind: {image: docker, privileged: sometimes}\n"))
                .hasMessageStartingWith("compose.yaml: service \"dind\": privileged: \"sometimes\" is not true or false");
    }

    @Test
    void aBuildsNetworkAndExtraHostsAreRead() throws IOException {
        ComposeProject project = read("services:\n  app:\n    build:\n      context: .\n      network: host\n"
                + "      extra_hosts: [\"db:10.1.2.3\", \"cache=10.1.2.4\"]\n  web:\n    build:\n      context: .\n"
                + "      extra_hosts: {db: 10.1.2.5}\n");

        assertThat(project.service("app").build().network()).isEqualTo("host");
        assertThat(project.service("app").build().extraHosts()).containsExactly("db:10.1.2.3", "cache:10.1.2.4");
        assertThat(project.service("web").build().network()).isNull();
        assertThat(project.service("web").build().extraHosts()).containsExactly("db:10.1.2.5");
        assertThatThrownBy(() -> read("services:\n  app: {build: {context: ., network: backend}}\n"))
                .isInstanceOf(ComposeFileException.class)
                .hasMessageContaining("network: \"backend\" cannot be a build's network").hasMessageContaining("none, host");
    }

    @Test
    void anUnsupportedKeyIsAnErrorNamingTheFileTheServiceAndTheKey() {
        assertThatThrownBy(() -> read("services:\n  web:\n    image: busybox\n    bogus_key: host\n"))
                .isInstanceOf(ComposeFileException.class)
                .hasMessage("compose.yaml: service \"web\": key \"bogus_key\" is not supported");
        assertThatThrownBy(() -> read("services:\n  web:\n    image: busybox\n    platform: linux/s390x\n"))
                .hasMessage("compose.yaml: service \"web\": key \"platform\" is not supported: the engine runs images of"
                        + " its own platform only");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox}\nsecrets: {}\n"))
                .hasMessageStartingWith("compose.yaml: top-level key \"secrets\" is not supported");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, healthcheck: {test: [CMD, 'true'], bogus: 1}}\n"))
                .hasMessage("compose.yaml: service \"web\": healthcheck: key \"bogus\" is not supported");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, restart: sometimes}\n"))
                .hasMessageStartingWith("compose.yaml: service \"web\": restart: ");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, ports: ['53:53/udp']}\n"))
                .hasMessage("compose.yaml: service \"web\": ports: protocol \"udp\" is not supported (only tcp)");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, volumes: ['/data']}\n"))
                .hasMessageContaining("anonymous volume");
    }

    @Test
    void referencesToWhatIsNotDeclaredAreErrors() {
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, networks: [nowhere]}\n"))
                .hasMessage("compose.yaml: service \"web\": network \"nowhere\" is not declared under the top-level networks");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, volumes: ['data:/d']}\n"))
                .hasMessage("compose.yaml: service \"web\": volume \"data\" is not declared under the top-level volumes");
        assertThatThrownBy(() -> read("services:\n  web: {image: busybox, depends_on: [db]}\n"))
                .hasMessage("compose.yaml: service \"web\": depends on \"db\", which is not a service here");
        assertThatThrownBy(() -> read("services:\n  db: {image: busybox}\n  web: {image: busybox, depends_on: {db: {condition: service_healthy}}}\n"))
                .hasMessage("compose.yaml: service \"web\": depends on \"db\" being healthy, but \"db\" has no healthcheck");
        assertThatThrownBy(() -> read("services:\n  a: {image: busybox, depends_on: [b]}\n  b: {image: busybox, depends_on: [a]}\n"))
                .hasMessageContaining("cycle: a -> b -> a");
        assertThatThrownBy(() -> read("services:\n  web: {command: x}\n"))
                .hasMessage("compose.yaml: service \"web\": has neither image nor build");
    }

    @Test
    void aFileThatIsNotComposeSaysSo() {
        assertThatThrownBy(() -> read("- just\n- a list\n")).hasMessageContaining("is not a compose file");
        assertThatThrownBy(() -> read("services: {}\n")).hasMessage("compose.yaml: declares no services");
        assertThatThrownBy(() -> ComposeProject.read(dir.resolve("missing.yaml")))
                .isInstanceOf(ComposeFileException.class).hasMessageContaining("missing.yaml: cannot be read");
    }
}
