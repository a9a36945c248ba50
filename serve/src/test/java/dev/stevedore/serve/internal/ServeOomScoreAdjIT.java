package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker run --oom-score-adj} through serve as on the test bed's dockerd, with the docker CLI against both in
 * the same run: a raised value is that of the container's first process and of its execs, inspect echoes it, a value
 * out of range is refused in dockerd's words, and a value below the engine's own starts or fails as on dockerd (it
 * needs CAP_SYS_RESOURCE, which root lacks on the test bed's host).
 */
class ServeOomScoreAdjIT extends ServeWithDockerCli {

    @Test
    void theAdjustmentIsThatOfTheContainerAndItsExecsAsOnDockerd() {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            String id = made(server, last(DockerCli.run(server, "run", "-d", "--oom-score-adj", "500", busybox,
                    "sh", "-c", "cat /proc/1/oom_score_adj; exec sleep 600")));
            List<String> lines = new ArrayList<>(DockerCli.run(server, "exec", id, "cat", "/proc/self/oom_score_adj"));
            lines.addAll(DockerCli.run(server, "inspect", "-f", "{{.HostConfig.OomScoreAdj}}", id));
            lines.addAll(DockerCli.run(server, "logs", id));
            DockerCli.run(server, "rm", "-f", id);
            seen.put(server, lines);
        }

        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd())).containsExactly("500", "500", "500");
    }

    @Test
    void aValueOutOfRangeIsRefusedAndOneBelowTheEnginesOwnStartsOrFailsAsOnDockerd() {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> lines = new ArrayList<>();
            lines.add(outcome(server, "create", "--oom-score-adj", "1001", busybox, "true"));
            lines.add(outcome(server, "run", "--rm", "--oom-score-adj", "-500", busybox, "cat", "/proc/1/oom_score_adj"));
            seen.put(server, lines);
        }

        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd()));
        assertThat(seen.get(socket).get(0)).isEqualTo("failed: Error response from daemon: Invalid value 1001, range for"
                + " oom score adj is [-1000, 1000]");
    }

    /**
     * What a docker CLI command printed last, or that it failed: with the daemon's words where they are dockerd's
     * ({@code Invalid value}), without them where each engine says it its own way (runc's "can't get final child's PID"
     * on dockerd).
     */
    private static String outcome(Path server, String... args) {
        try {
            return last(DockerCli.run(server, args));
        } catch (AssertionError e) {
            int words = e.getMessage().indexOf("Error response from daemon: Invalid value");
            return words < 0 ? "failed" : "failed: " + e.getMessage().substring(words).lines().findFirst().orElseThrow();
        }
    }
}
