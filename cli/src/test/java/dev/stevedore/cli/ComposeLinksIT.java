package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code links:} in a compose file, through {@code stevedore compose} on the embedded engine and on the test bed's
 * dockerd, where Debian's {@code docker-compose} brings up the same file beside it: the app service finds the db
 * service by the link's alias, at the db container's address, and the db service started first.
 */
class ComposeLinksIT extends ComposeRuns {
    private static final String FILE_TEXT = """
            services:
              db:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
              app:
                image: ${BUSYBOX}
                command: ["sleep", "600"]
                links: ["db:database"]
            """;
    /** ping names the address it resolved before it sends anything. */
    private static final String PROBE = "ping -c 1 -W 1 database 2>&1 | head -1";
    private static final String DB_ADDRESS = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}";

    private final String project = "clk" + Long.toHexString(System.nanoTime());

    @Test
    void onTheEmbeddedEngineTheAppFindsTheDbByTheLinksAlias() throws Exception {
        Path file = file(FILE_TEXT);
        try {
            compose("embedded", file, project, "up", "-d");

            String address = stevedore("--engine", "embedded", "inspect", "-f", DB_ADDRESS, project + "-db-1").out().strip();
            assertThat(compose("embedded", file, project, "exec", "app", "sh", "-c", PROBE).outLines())
                    .containsExactly("PING database (" + address + "): 56 data bytes");
        } finally {
            compose("embedded", file, project, "down", "-v", "-t", "1");
        }
    }

    @Test
    void onDockerdItIsWhatDockerComposeMakesOfTheSameFile() throws Exception {
        besideDockerCompose(FILE_TEXT, project, (host, file, reference) -> {
            List<List<String>> seen = new ArrayList<>();
            for (List<String> dbAndApp : List.of(List.of(project + "-db-1", project + "-app-1"), List.of(
                    dockerComposeContainer(host, file, reference, "db"), dockerComposeContainer(host, file, reference, "app")))) {
                String db = run(host, "docker", "-H", host, "inspect", "-f", DB_ADDRESS, dbAndApp.get(0)).out().strip();
                seen.add(run(host, "docker", "-H", host, "exec", dbAndApp.get(1), "sh", "-c", PROBE).outLines().stream()
                        .map(l -> l.replace(db, "DB")).toList());
            }

            assertThat(seen.get(0)).isEqualTo(seen.get(1)).containsExactly("PING database (DB): 56 data bytes");
        });
    }
}
