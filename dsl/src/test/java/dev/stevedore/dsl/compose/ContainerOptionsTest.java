package dev.stevedore.dsl.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.compose.internal.ComposeParser;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.Ulimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service keys read into {@link ContainerOptions}, and {@code profiles:}, as Compose writes them. */
class ContainerOptionsTest {
    @TempDir
    Path dir;

    private ComposeProject read(String yaml, List<String> profiles, Map<String, String> environment) throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, yaml);
        return ComposeParser.parse(file, null, Map.of(), environment, profiles);
    }

    private ContainerOptions options(String serviceYaml) throws IOException {
        return read("services:\n  web:\n    image: busybox\n" + serviceYaml.indent(4), List.of(), Map.of())
                .service("web").options();
    }

    @Test
    void everyOptionIsReadInItsShortSyntax() throws IOException {
        ContainerOptions options = options("""
                container_name: my-web
                hostname: webhost
                domainname: example.org
                extra_hosts: ["db.local:10.0.0.5", "cache.local=10.0.0.6"]
                dns: 9.9.9.9
                dns_search: [example.org]
                dns_opt: [ndots:2]
                cap_add: [NET_ADMIN]
                cap_drop: [CHOWN]
                init: true
                stop_grace_period: 1m30s
                stop_signal: SIGINT
                shm_size: 128m
                ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 2048}}
                sysctls: [net.core.somaxconn=1024]
                expose: ["3000", "5353/udp"]
                read_only: true
                security_opt: [no-new-privileges:true]
                devices: [/dev/fuse]
                mem_limit: 512m
                cpus: 0.5
                pids_limit: 100
                tty: true
                stdin_open: true
                ipc: shareable
                pid: host
                mac_address: 02:42:ac:11:00:09
                group_add: [audio, "1001"]
                pull_policy: if_not_present
                logging: {driver: json-file, options: {max-size: 10m}}
                """);

        assertThat(options).isEqualTo(new ContainerOptions("my-web", "webhost", "example.org",
                List.of("db.local:10.0.0.5", "cache.local:10.0.0.6"), List.of("9.9.9.9"), List.of("example.org"),
                List.of("ndots:2"), List.of("NET_ADMIN"), List.of("CHOWN"), true, Duration.ofSeconds(90), "SIGINT",
                128L << 20, List.of(new Ulimit("nproc", 65535, 65535), new Ulimit("nofile", 1024, 2048)),
                Map.of("net.core.somaxconn", "1024"), List.of("3000/tcp", "5353/udp"), true,
                List.of("no-new-privileges:true"), List.of("/dev/fuse"), 512L << 20, 0.5, 100, true, true, "shareable",
                "host", "02:42:ac:11:00:09", List.of("audio", "1001"), ContainerSpec.PullPolicy.MISSING,
                new LogConfig("json-file", Map.of("max-size", "10m"))));
    }

    @Test
    void theOptionsReachTheEngineSpec() throws IOException {
        ContainerSpec.Builder builder = ContainerSpec.builder("busybox").hostname("web");
        options("""
                hostname: webhost
                extra_hosts: {db.local: 10.0.0.5}
                cap_add: [NET_ADMIN]
                init: true
                stop_grace_period: 2s
                ulimits: {nofile: 4096}
                mem_limit: 1g
                """).applyTo(builder);
        ContainerSpec spec = builder.build();

        assertThat(spec.hostname()).isEqualTo("webhost");
        assertThat(spec.extraHosts()).containsExactly("db.local:10.0.0.5");
        assertThat(spec.capAdd()).containsExactly("NET_ADMIN");
        assertThat(spec.init()).isTrue();
        assertThat(spec.stopTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(spec.memoryBytes()).isEqualTo(1L << 30);
    }

    @Test
    void aServiceWithoutOptionsHasNone() throws IOException {
        assertThat(options("command: [true]")).isEqualTo(ContainerOptions.NONE);
    }

    @Test
    void anchorsAndMergeKeysCarryOptionsAndExtensionFieldsAreLeftAlone() throws IOException {
        ComposeProject project = read("""
                x-common: &common
                  image: busybox
                  extra_hosts: ["db.local:10.0.0.5"]
                  ulimits: {nofile: 4096}
                x-anything: {whatever: [1, 2]}
                services:
                  a:
                    <<: *common
                    hostname: a-host
                  b:
                    <<: *common
                    x-note: kept out
                    extra_hosts: ["other.local:10.0.0.7"]
                """, List.of(), Map.of());

        assertThat(project.service("a").options().extraHosts()).containsExactly("db.local:10.0.0.5");
        assertThat(project.service("a").options().hostname()).isEqualTo("a-host");
        assertThat(project.service("b").options().extraHosts()).containsExactly("other.local:10.0.0.7");
        assertThat(project.service("b").options().ulimits()).containsExactly(new Ulimit("nofile", 4096, 4096));
    }

    @Test
    void badValuesAreErrorsNamingTheKey() {
        assertThatThrownBy(() -> options("ulimits: {nofile: {soft: 2048, hard: 1024}}"))
                .isInstanceOf(ComposeFileException.class)
                .hasMessage("compose.yaml: service \"web\": ulimits: nofile: ulimit nofile: the soft limit 2048 must be"
                        + " less than or equal to the hard limit 1024");
        assertThatThrownBy(() -> options("ulimits: {files: 10}"))
                .hasMessageStartingWith("compose.yaml: service \"web\": ulimits: files: invalid ulimit type: files");
        assertThatThrownBy(() -> options("mem_limit: lots"))
                .hasMessage("compose.yaml: service \"web\": mem_limit: \"lots\" is not a size (write e.g. 64m, 1g, 512k or bytes)");
        assertThatThrownBy(() -> options("stop_grace_period: soon"))
                .hasMessageStartingWith("compose.yaml: service \"web\": stop_grace_period: \"soon\" is not a duration");
        assertThatThrownBy(() -> options("extra_hosts: [db.local]"))
                .hasMessage("compose.yaml: service \"web\": extra_hosts: \"db.local\" is not NAME:ADDRESS or NAME=ADDRESS");
        assertThatThrownBy(() -> options("expose: [\"8000-8010\"]"))
                .hasMessageStartingWith("compose.yaml: service \"web\": expose: \"8000-8010\" is not PORT");
        assertThatThrownBy(() -> options("pull_policy: build"))
                .hasMessageStartingWith("compose.yaml: service \"web\": pull_policy: \"build\" is not supported");
        assertThatThrownBy(() -> options("network_mode: host"))
                .hasMessageStartingWith("compose.yaml: service \"web\": key \"network_mode\" is not supported: ");
    }

    private static final String PROFILED = """
            services:
              app: {image: busybox}
              debug: {image: busybox, profiles: [debug, tools]}
              admin: {image: busybox, profiles: [admin]}
            """;

    @Test
    void aServiceWithProfilesIsEnabledOnlyByOneOfThem() throws IOException {
        assertThat(read(PROFILED, List.of(), Map.of()).services()).containsOnlyKeys("app");
        assertThat(read(PROFILED, List.of("tools"), Map.of()).services()).containsOnlyKeys("app", "debug");
        assertThat(read(PROFILED, List.of("debug", "admin"), Map.of()).services()).containsOnlyKeys("app", "debug", "admin");
        assertThat(read(PROFILED, List.of("*"), Map.of()).services()).containsOnlyKeys("app", "debug", "admin");
        assertThat(read(PROFILED, List.of("other"), Map.of()).services()).containsOnlyKeys("app");
    }

    @Test
    void composeProfilesActivatesProfilesWhenNoneIsGiven() throws IOException {
        assertThat(read(PROFILED, List.of(), Map.of("COMPOSE_PROFILES", "admin, debug")).services())
                .containsOnlyKeys("app", "debug", "admin");
        assertThat(read(PROFILED, List.of("admin"), Map.of("COMPOSE_PROFILES", "debug")).services())
                .containsOnlyKeys("app", "admin");
    }

    @Test
    void dependingOnADisabledServiceIsAnErrorNamingBoth() {
        String yaml = """
                services:
                  app: {image: busybox, depends_on: [db]}
                  db: {image: busybox, profiles: [db]}
                """;
        assertThatThrownBy(() -> read(yaml, List.of(), Map.of()))
                .isInstanceOf(ComposeFileException.class)
                .hasMessage("compose.yaml: service \"app\": depends on \"db\", which is not enabled by the active profiles []"
                        + " (\"db\" has [db]): activate one with --profile, or give \"db\" and \"app\" a common profile");
    }
}
