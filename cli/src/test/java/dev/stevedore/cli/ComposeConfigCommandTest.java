package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stevedore compose config}: the file as read, in docker compose v2's YAML, without an engine (the runner has
 * none to give).
 */
class ComposeConfigCommandTest {
    private static final String FILE_TEXT = """
            services:
              web:
                build:
                  context: ./app
                  args:
                    VERSION: "1.0"
                ports: ["127.0.0.1:8080:80"]
                environment:
                  GREETING: "hello: world"
                  COUNT: "3"
                depends_on:
                  db:
                    condition: service_healthy
                networks: [front, back]
              db:
                image: postgres:${PG_VERSION:-15}
                command: sleep 600
                volumes: ["data:/var/lib/postgresql/data"]
                healthcheck:
                  test: ["CMD", "pg_isready"]
                  interval: 1m30s
                  timeout: 500ms
                  retries: 5
                networks:
                  back:
                    aliases: [database]
            networks:
              front:
              back:
                internal: true
            volumes:
              data:
            """;

    @TempDir
    Path directory;

    private final CliRunner cli = new CliRunner(null);

    @Test
    void printsTheResolvedModelAsDockerComposeV2Does() throws Exception {
        Path file = file();
        CliRunner.Result result = cli.run("compose", "-f", file.toString(), "-p", "shop", "config");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                name: shop
                services:
                  db:
                    command:
                      - sleep
                      - "600"
                    healthcheck:
                      test:
                        - CMD
                        - pg_isready
                      timeout: 500ms
                      interval: 1m30s
                      retries: 5
                    image: postgres:15
                    networks:
                      back:
                        aliases:
                          - database
                    volumes:
                      - type: volume
                        source: data
                        target: /var/lib/postgresql/data
                  web:
                    build:
                      args:
                        VERSION: "1.0"
                      context: %s
                      dockerfile: Dockerfile
                    depends_on:
                      db:
                        condition: service_healthy
                    environment:
                      COUNT: "3"
                      GREETING: "hello: world"
                    image: shop-web
                    networks:
                      back: null
                      front: null
                    ports:
                      - mode: ingress
                        host_ip: 127.0.0.1
                        target: 80
                        published: "8080"
                        protocol: tcp
                networks:
                  back:
                    internal: true
                    name: shop_back
                  front:
                    name: shop_front
                volumes:
                  data:
                    name: shop_data
                """.formatted(directory.resolve("app")));
    }

    @Test
    void servicesAreListedSortedAndVolumesByName() throws Exception {
        Path file = file();

        assertThat(cli.run("compose", "-f", file.toString(), "config", "--services").out()).isEqualTo("db\nweb\n");
        assertThat(cli.run("compose", "-f", file.toString(), "config", "--volumes").out()).isEqualTo("data\n");
        assertThat(cli.run("compose", "-f", file.toString(), "config", "-q").out()).isEmpty();
    }

    @Test
    void aFileThatCannotBeReadIsAnErrorNamingIt() throws Exception {
        Path file = Files.writeString(directory.resolve("compose.yaml"), "services:\n  web:\n    image: x\n    bogus: 1\n");

        CliRunner.Result result = cli.run("compose", "-f", file.toString(), "config");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("bogus");
        assertThat(result.out()).isEmpty();
    }

    private Path file() throws Exception {
        Files.createDirectories(directory.resolve("app"));
        return Files.writeString(directory.resolve("compose.yaml"), FILE_TEXT);
    }
}
