package dev.stevedore.apitest.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.testbed.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compose file's container settings and profiles through the DSL on the embedded engine: what a process in the
 * service's container sees ({@code /etc/hosts}, its host name, capabilities, limits, an init as pid 1), and which
 * services the environment has for the profile the test activates. (The same keys are compared with Debian's
 * docker-compose on dockerd by the CLI's {@code ComposeServiceKeysIT}.)
 */
class ComposeOptionsIT {
    private static final String FILE_TEXT = """
            x-common: &common
              image: ${BUSYBOX}
              command: ["sleep", "600"]
            services:
              app:
                <<: *common
                hostname: apphost
                extra_hosts: {db.example: 10.1.2.3}
                cap_add: [NET_ADMIN]
                cap_drop: [CHOWN]
                init: true
                stop_grace_period: 1s
                ulimits:
                  nofile: {soft: 1024, hard: 2048}
              debug:
                <<: *common
                profiles: [debug]
              admin:
                <<: *common
                profiles: [admin]
            """;
    private static final String PROBE = "hostname; grep example /etc/hosts; grep CapEff /proc/self/status;"
            + " test \"$(cat /proc/1/comm)\" = sleep || echo pid 1 is an init; grep 'open files' /proc/self/limits";

    @TempDir
    Path dir;

    @Test
    void theServiceGetsTheFilesSettingsAndOnlyTheActiveProfilesServicesStart() throws Exception {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, FILE_TEXT);
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment());
             Environment env = Stevedore.compose(file, c -> c
                     .variable("BUSYBOX", Testbed.get().plainRegistry() + "/library/busybox:latest")
                     .profile("debug")).start(engine)) {
            String seen = env.container("app").exec("sh", "-c", PROBE).stdout();

            // Docker's default capability set (a80425fb) with NET_ADMIN (bit 12) added and CHOWN (bit 0) dropped
            assertThat(seen.lines().toList()).startsWith("apphost", "10.1.2.3\tdb.example", "CapEff:\t00000000a80435fa",
                    "pid 1 is an init");
            assertThat(seen).containsPattern("Max open files\\s+1024\\s+2048\\s+files");
            assertThat(env.container("debug").info().state().running()).isTrue();
            assertThatThrownBy(() -> env.container("admin")).hasMessageContaining("admin");
        }
    }
}
