package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The container endpoints of #17 through serve, each scenario run with the docker CLI (or raw HTTP, where the status
 * code is the point) against serve and against the test bed's dockerd in the same test, so what is expected is what
 * dockerd does: kill, 404/409/304, rename, pause, stats, top, update, compressed archive copies, the events record, and
 * restart policies ({@code --restart on-failure:2} ends with two restarts in inspect and in the events; a stop is not
 * undone by {@code --restart always}).
 */
class ServeContainerControlsIT extends ServeWithDockerCli {
    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));
    private final String prefix = "apiserve-" + Long.toHexString(System.nanoTime()) + "-";
    private final List<String> onDockerd = new ArrayList<>();
    /** Long enough for a restart that should not come: Docker's backoff after two restarts is 400 ms. */
    private static final Duration RESTART_QUIET = Duration.ofMillis(2500);

    @BeforeAll
    void pullOnDockerd() {
        DockerCli.run(dockerd, "pull", "-q", busybox);
    }

    @AfterAll
    void removeDockerdContainers() {
        for (String name : onDockerd) {
            try {
                DockerCli.run(dockerd, "rm", "-f", name);
            } catch (AssertionError gone) {
                // the test removed it
            }
        }
    }

    /** Both servers: serve's socket first, then dockerd's. */
    private Map<String, Path> both() {
        Map<String, Path> servers = new LinkedHashMap<>();
        servers.put("serve", socket);
        servers.put("dockerd", dockerd);
        return servers;
    }

    /** Runs a busybox container named {@code prefix + name} in the background on {@code server}; its id. */
    private String runDetached(Path server, String name, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", prefix + name, busybox));
        args.addAll(List.of(command));
        if (server.equals(dockerd)) {
            onDockerd.add(prefix + name);
        }
        // the CLI's output has dockerd's warnings (IPv4 forwarding) beside the id
        return DockerCli.run(server, args.toArray(String[]::new)).stream().filter(l -> l.matches("[0-9a-f]{64}"))
                .findFirst().orElseThrow();
    }

    private static String inspect(Path server, String format, String container) {
        return DockerCli.run(server, "inspect", "-f", format, container).get(0);
    }

    /**
     * API 1.42's {@code signal} on stop and restart: the container's own stop signal is taken (any spelling), another is
     * refused by name, never dropped (dockerd 20.10, API 1.41, has no such parameter: there is no peer to ask).
     */
    @Test
    void aStopWithASignalOtherThanTheContainersIsRefusedByName() throws IOException {
        runDetached(socket, "stopsignal", "sleep", "600");
        try {
            UnixHttp.Answer other = UnixHttp.call(socket, "POST", "/v1.45/containers/" + prefix + "stopsignal/restart?signal=SIGUSR1&t=0");

            assertThat(other.status()).as(other.body()).isEqualTo(400);
            assertThat(other.body()).contains("signal=SIGUSR1 is not supported", "SIGTERM");
            assertThat(inspect(socket, "{{.State.Running}} {{.RestartCount}}", prefix + "stopsignal")).as("left alone").isEqualTo("true 0");

            UnixHttp.Answer own = UnixHttp.call(socket, "POST", "/v1.45/containers/" + prefix + "stopsignal/stop?signal=term&t=0");

            assertThat(own.status()).as(own.body()).isEqualTo(204);
            assertThat(inspect(socket, "{{.State.Running}}", prefix + "stopsignal")).isEqualTo("false");
        } finally {
            DockerCli.run(socket, "rm", "-f", prefix + "stopsignal");
        }
    }

    @Test
    void killReturnsOnceTheContainerNoLongerRuns() {
        both().forEach((who, server) -> {
            runDetached(server, "kill", "sleep", "600");
            DockerCli.run(server, "kill", prefix + "kill");
            assertThat(inspect(server, "{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}", prefix + "kill"))
                    .as(who + ": inspect right after kill").isEqualTo("exited false 137");
            DockerCli.run(server, "rm", prefix + "kill");
        });
    }

    @Test
    void everyRouteLooksTheContainerUpFirstAndAnswersAsDockerd() throws IOException {
        String[][] routes = {{"POST", "/containers/nope-missing/pause"}, {"POST", "/containers/nope-missing/unpause"},
                {"POST", "/containers/nope-missing/rename?name=other"}, {"POST", "/containers/nope-missing/update"},
                {"GET", "/containers/nope-missing/stats?stream=false"}, {"GET", "/containers/nope-missing/export"},
                {"GET", "/containers/nope-missing/changes"}, {"POST", "/containers/nope-missing/kill"},
                {"GET", "/containers/nope-missing/top"}, {"PUT", "/containers/nope-missing/archive?path=/tmp"}};
        for (String[] route : routes) {
            int serve = send(socket, route).status();
            int docker = send(dockerd, route).status();
            assertThat(serve).as(route[0] + " " + route[1] + " (dockerd: " + docker + ")").isEqualTo(docker).isEqualTo(404);
        }
        both().forEach((who, server) -> {
            runDetached(server, "codes", "sleep", "600");
            try {
                assertThat(UnixHttp.call(server, "POST", "/containers/" + prefix + "codes/start").status())
                        .as(who + ": start a running container").isEqualTo(304);
                assertThat(UnixHttp.call(server, "POST", "/containers/" + prefix + "codes/unpause").status())
                        .as(who + ": unpause a container that is not paused (dockerd's errNotPaused)").isEqualTo(500);
                assertThat(UnixHttp.call(server, "POST", "/containers/" + prefix + "codes/stop?t=0").status()).isEqualTo(204);
                assertThat(UnixHttp.call(server, "POST", "/containers/" + prefix + "codes/stop?t=0").status())
                        .as(who + ": stop a stopped container").isEqualTo(304);
                assertThat(UnixHttp.call(server, "POST", "/containers/" + prefix + "codes/pause").status())
                        .as(who + ": pause a stopped container").isEqualTo(409);
                assertThat(UnixHttp.call(server, "POST", "/containers/" + prefix + "codes/kill").status())
                        .as(who + ": kill a stopped container").isEqualTo(409);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            DockerCli.run(server, "rm", prefix + "codes");
        });
    }

    private static UnixHttp.Answer send(Path server, String[] route) throws IOException {
        return route[0].equals("POST") && route[1].endsWith("/update")
                ? UnixHttp.json(server, "POST", route[1], "{'Memory':67108864}")
                : UnixHttp.call(server, route[0], route[1]);
    }

    @Test
    void logDriversNoneAndLocalAreHonouredAndAnUnknownOneRefusedAsDockerd() throws IOException {
        for (Map.Entry<String, Path> entry : both().entrySet()) {
            String who = entry.getKey();
            Path server = entry.getValue();
            for (String driver : List.of("none", "local")) {
                String name = prefix + "log" + driver;
                if (server.equals(dockerd)) {
                    onDockerd.add(name);
                }
                DockerCli.run(server, "run", "-d", "--name", name, "--log-driver", driver, busybox, "echo", "written");
                DockerCli.run(server, "wait", name);
                assertThat(inspect(server, "{{.HostConfig.LogConfig.Type}}", name)).as(who).isEqualTo(driver);
            }
            assertThatThrownBy(() -> DockerCli.run(server, "logs", prefix + "lognone")).as(who)
                    .hasMessageContaining("configured logging driver does not support reading");
            assertThat(send(server, new String[] {"GET", "/containers/" + prefix + "lognone/logs?stdout=1"}).status())
                    .as(who + ": logs of a none container").isEqualTo(501);
            assertThat(DockerCli.run(server, "logs", prefix + "loglocal")).as(who).containsExactly("written");
            assertThatThrownBy(() -> DockerCli.run(server, "create", "--log-driver", "no-such-driver", busybox)).as(who)
                    .hasMessageContaining("logging plugin no-such-driver");
        }
        // the embedded engine keeps its rotated files uncompressed: compress is refused by name (dockerd compresses)
        assertThatThrownBy(() -> DockerCli.run(socket, "create", "--log-opt", "max-size=1m", "--log-opt", "max-file=2",
                "--log-opt", "compress=true", busybox)).hasMessageContaining("log option compress");
        // attached, a none container's output is passed on (only logs refuse it), on both
        for (Path server : List.of(socket, dockerd)) {
            assertThat(DockerCli.run(server, "run", "--rm", "--log-driver", "none", busybox, "echo", "seen attached"))
                    .as(server.toString()).contains("seen attached");
        }
    }

    @Test
    void maxSizeAndMaxFileKeepTheLatestLinesInOrderAsDockerdDoes() {
        String script = "i=100; while [ $i -lt 300 ]; do echo \"line$i ................................\"; i=$((i+1)); done";
        both().forEach((who, server) -> {
            String name = prefix + "rotated";
            if (server.equals(dockerd)) {
                onDockerd.add(name);
            }
            DockerCli.run(server, "run", "-d", "--name", name, "--log-opt", "max-size=1k", "--log-opt", "max-file=2",
                    busybox, "sh", "-c", script);
            DockerCli.run(server, "wait", name);
            List<String> kept = DockerCli.run(server, "logs", name);
            assertThat(kept).as(who + ": the oldest lines were rotated away").hasSizeBetween(2, 199);
            assertThat(kept.get(kept.size() - 1)).as(who).startsWith("line299 ");
            int first = Integer.parseInt(kept.get(0).substring(4, 7));
            for (int i = 0; i < kept.size(); i++) {
                assertThat(kept.get(i)).as(who + ": kept line " + i).startsWith("line" + (first + i) + " ");
            }
            assertThat(DockerCli.run(server, "logs", "--tail", "2", name)).as(who)
                    .containsExactlyElementsOf(kept.subList(kept.size() - 2, kept.size()));
            assertThat(inspect(server, "{{json .HostConfig.LogConfig.Config}}", name)).as(who)
                    .isEqualTo("{\"max-file\":\"2\",\"max-size\":\"1k\"}");
            DockerCli.run(server, "rm", name);
        });
    }

    @Test
    void renameFreesTheOldNameAndTakesTheNew() {
        both().forEach((who, server) -> {
            runDetached(server, "before", "sleep", "600");
            runDetached(server, "taken", "sleep", "600");
            assertThatThrownBy(() -> DockerCli.run(server, "rename", prefix + "before", prefix + "taken"))
                    .as(who).hasMessageContaining("already in use");
            DockerCli.run(server, "rename", prefix + "before", prefix + "after");
            if (server.equals(dockerd)) {
                onDockerd.add(prefix + "after");
            }
            assertThat(inspect(server, "{{.Name}}", prefix + "after")).as(who).isEqualTo("/" + prefix + "after");
            assertThatThrownBy(() -> DockerCli.run(server, "inspect", prefix + "before")).as(who).hasMessageContaining("No such");
            runDetached(server, "before", "true");
            DockerCli.run(server, "rm", "-f", prefix + "after", prefix + "taken", prefix + "before");
        });
    }

    @Test
    void pauseFreezesTheProcessesUntilUnpause() {
        both().forEach((who, server) -> {
            runDetached(server, "pause", "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done");
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(server, "pause") > 2);
            DockerCli.run(server, "pause", prefix + "pause");
            assertThat(inspect(server, "{{.State.Status}} {{.State.Paused}} {{.State.Running}}", prefix + "pause"))
                    .as(who).isEqualTo("paused true true");
            assertThat(DockerCli.run(server, "ps", "--filter", "name=" + prefix + "pause", "--format", "{{.Status}}"))
                    .as(who).singleElement().asString().endsWith("(Paused)");
            assertThatThrownBy(() -> DockerCli.run(server, "pause", prefix + "pause")).as(who).hasMessageContaining("already paused");
            int frozenAt = lines(server, "pause");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                    .until(() -> lines(server, "pause") == frozenAt);
            DockerCli.run(server, "unpause", prefix + "pause");
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(server, "pause") > frozenAt + 2);
            assertThat(inspect(server, "{{.State.Status}} {{.State.Paused}}", prefix + "pause")).as(who).isEqualTo("running false");
            DockerCli.run(server, "rm", "-f", prefix + "pause");
        });
    }

    private int lines(Path server, String name) {
        return DockerCli.run(server, "logs", prefix + name).size();
    }

    @Test
    void statsGiveDockersDocumentOnceAndStreamed() throws IOException {
        for (Map.Entry<String, Path> server : both().entrySet()) {
            String who = server.getKey();
            runDetached(server.getValue(), "stats", "sh", "-c", "while true; do :; done");
            List<String> line = DockerCli.run(server.getValue(), "stats", "--no-stream", "--format",
                    "{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}", prefix + "stats");
            String[] fields = line.get(0).split("\\|");
            assertThat(fields[0]).as(who).isEqualTo(prefix + "stats");
            assertThat(Double.parseDouble(fields[1].replace("%", ""))).as(who + ": a busy loop uses CPU").isGreaterThan(1.0);
            assertThat(fields[2]).as(who).doesNotStartWith("0B").contains(" / ");
            assertThat(Integer.parseInt(fields[3])).as(who).isGreaterThanOrEqualTo(1);

            JsonNode once = UnixHttp.call(server.getValue(), "GET", "/containers/" + prefix + "stats/stats?stream=false").json();
            assertThat(once.path("memory_stats").path("usage").asLong()).as(who).isPositive();
            assertThat(once.path("memory_stats").path("limit").asLong()).as(who).isPositive();
            assertThat(once.path("cpu_stats").path("online_cpus").asInt()).as(who).isPositive();
            assertThat(once.path("precpu_stats").path("cpu_usage").path("total_usage").asLong()).as(who).isPositive();
            assertThat(once.path("pids_stats").path("current").asLong()).as(who).isPositive();
            assertThat(once.path("name").asText()).as(who).isEqualTo("/" + prefix + "stats");

            List<String> streamed = UnixHttp.lines(server.getValue(), "/containers/" + prefix + "stats/stats", 2);
            assertThat(streamed).as(who).hasSize(2);
            JsonNode second = new com.fasterxml.jackson.databind.ObjectMapper().readTree(streamed.get(1));
            assertThat(second.path("cpu_stats").path("cpu_usage").path("total_usage").asLong()).as(who + ": counters grow")
                    .isGreaterThan(second.path("precpu_stats").path("cpu_usage").path("total_usage").asLong());
            DockerCli.run(server.getValue(), "rm", "-f", prefix + "stats");
        }
    }

    @Test
    void topListsTheContainersProcessesWithDockerdsTitlesAndPsArgs() {
        Map<String, List<List<String>>> listings = new LinkedHashMap<>();
        both().forEach((who, server) -> {
            runDetached(server, "top", "sh", "-c", "sleep 601 & exec sleep 600");
            List<String> standard = DockerCli.run(server, "top", prefix + "top");
            List<String> chosen = DockerCli.run(server, "top", prefix + "top", "-o", "pid,args");
            listings.put(who, List.of(List.of(standard.get(0).strip().split("\\s+")),
                    List.of(chosen.get(0).strip().split("\\s+")),
                    chosen.subList(1, chosen.size()).stream().map(l -> l.strip().split("\\s+", 2)[1]).sorted().toList()));
            DockerCli.run(server, "stop", "-t", "1", prefix + "top");
            assertThatThrownBy(() -> DockerCli.run(server, "top", prefix + "top")).as(who)
                    .hasMessageContaining("is not running");
        });
        assertThat(listings.get("serve")).isEqualTo(listings.get("dockerd"));
        assertThat(listings.get("serve").get(2)).containsExactly("sleep 600", "sleep 601");
    }

    @Test
    void updateChangesTheLimitsOfARunningContainer() {
        both().forEach((who, server) -> {
            runDetached(server, "update", "sleep", "600");
            DockerCli.run(server, "update", "--memory", "64m", "--memory-swap", "-1", "--cpus", "0.5", "--pids-limit", "100",
                    prefix + "update");
            assertThat(inspect(server, "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}",
                    prefix + "update")).as(who).isEqualTo("67108864 500000000 100");
            assertThat(DockerCli.run(server, "stats", "--no-stream", "--format", "{{.MemUsage}}", prefix + "update"))
                    .as(who + ": the limit applies to the running container").singleElement().asString().endsWith("/ 64MiB");
            DockerCli.run(server, "rm", "-f", prefix + "update");
        });
        both().forEach((who, server) -> {
            runDetached(server, "restart", "sleep", "600");
            DockerCli.run(server, "update", "--restart", "on-failure:3", prefix + "restart");
            assertThat(inspect(server, "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}",
                    prefix + "restart")).as(who).isEqualTo("on-failure 3");
            DockerCli.run(server, "rm", "-f", prefix + "restart");
        });
    }

    @Test
    void archivesAreExtractedPlainOrCompressedAsDockerdDoes() throws IOException {
        for (Map.Entry<String, Path> server : both().entrySet()) {
            runDetached(server.getValue(), "archive", "sleep", "600");
            for (String compression : List.of("none", "gzip", "bzip2", "xz")) {
                UnixHttp.Answer put = UnixHttp.call(server.getValue(), "PUT", "/containers/" + prefix + "archive/archive?path=/tmp",
                        "application/x-tar", tar("copied-" + compression, "small " + compression + "\n", compression));
                assertThat(put.status()).as(server.getKey() + " " + compression + ": " + put.body()).isEqualTo(200);
                assertThat(DockerCli.run(server.getValue(), "exec", prefix + "archive", "cat", "/tmp/copied-" + compression))
                        .as(server.getKey() + " " + compression).containsExactly("small " + compression);
            }
            DockerCli.run(server.getValue(), "rm", "-f", prefix + "archive");
        }
    }

    /** A tar of one small file, compressed as named. */
    private static byte[] tar(String name, String content, String compression) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream compressed = switch (compression) {
            case "gzip" -> new GzipCompressorOutputStream(bytes);
            case "bzip2" -> new BZip2CompressorOutputStream(bytes);
            case "xz" -> new XZCompressorOutputStream(bytes);
            default -> bytes;
        }; TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            entry.setMode(0644);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void eventsReplayTheRecordSinceAndUntil() {
        Map<String, List<String>> actions = new LinkedHashMap<>();
        both().forEach((who, server) -> {
            Instant since = Instant.now().minusSeconds(1);
            String id = runDetached(server, "events", "sleep", "600");
            DockerCli.run(server, "pause", prefix + "events");
            DockerCli.run(server, "unpause", prefix + "events");
            DockerCli.run(server, "rename", prefix + "events", prefix + "events2");
            if (server.equals(dockerd)) {
                onDockerd.add(prefix + "events2");
            }
            DockerCli.run(server, "kill", prefix + "events2");
            DockerCli.run(server, "rm", prefix + "events2");
            // dockerd's record is written as its events happen; wait until the destroy is in it
            actions.put(who, eventRecord(server, since, id, "{{.Action}} {{.Actor.Attributes.name}}",
                    seen -> seen.stream().anyMatch(l -> l.startsWith("destroy"))));
        });
        assertThat(actions.get("serve")).isEqualTo(actions.get("dockerd"))
                .contains("rename " + prefix + "events2", "kill " + prefix + "events2", "pause " + prefix + "events");
    }

    /** {@code docker events --since --until} for one container, read again until {@code complete} says it is. */
    private static List<String> eventRecord(Path server, Instant since, String id, String format,
                                            Predicate<List<String>> complete) {
        AtomicReference<List<String>> seen = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            seen.set(DockerCli.run(server, "events", "--since", Long.toString(since.getEpochSecond()), "--until",
                    Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "container=" + id, "--filter",
                    "type=container", "--format", format));
            return complete.test(seen.get());
        });
        return seen.get();
    }

    private String runWithRestart(Path server, String name, String restart, String script) {
        if (server.equals(dockerd)) {
            onDockerd.add(prefix + name);
        }
        return DockerCli.run(server, "run", "-d", "--name", prefix + name, "--restart", restart, busybox, "sh", "-c", script)
                .stream().filter(l -> l.matches("[0-9a-f]{64}")).findFirst().orElseThrow();
    }

    @Test
    void aContainerBetweenTwoRunsIsRestartingInInspectAndPsAsOnDockerd() {
        both().forEach((who, server) -> {
            runWithRestart(server, "restarting", "always", "exit 1");
            await(who + ": seen between two runs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> inspect(server, "{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.Pid}}"
                            + " {{.State.ExitCode}}", prefix + "restarting").equals("restarting true true 0 1"));
            DockerCli.run(server, "stop", prefix + "restarting");
            assertThat(inspect(server, "{{.State.Status}} {{.State.Restarting}}", prefix + "restarting")).as(who)
                    .isEqualTo("exited false");
            DockerCli.run(server, "rm", prefix + "restarting");
        });
    }

    @Test
    void onFailureEndsAfterItsRetriesInInspectAndInTheEvents() {
        Map<String, List<String>> actions = new LinkedHashMap<>();
        both().forEach((who, server) -> {
            Instant since = Instant.now().minusSeconds(1);
            String id = runWithRestart(server, "fails", "on-failure:2", "exit 3");
            String format = "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}"
                    + " {{.HostConfig.RestartPolicy.MaximumRetryCount}}";
            await(who + ": two restarts, then exited").atMost(Duration.ofSeconds(60))
                    .until(() -> inspect(server, format, prefix + "fails").equals("2 exited 3 on-failure 2"));
            actions.put(who, eventRecord(server, since, id, "{{.Action}} {{.Actor.Attributes.exitCode}}",
                    seen -> seen.stream().filter(l -> l.startsWith("die")).count() == 3));
            DockerCli.run(server, "rm", prefix + "fails");
        });
        assertThat(actions.get("serve")).isEqualTo(actions.get("dockerd"))
                .containsSubsequence("start <no value>", "die 3", "start <no value>", "die 3", "start <no value>", "die 3");
    }

    @Test
    void aStopIsNotUndoneByRestartAlways() {
        both().forEach((who, server) -> {
            runWithRestart(server, "stopped", "always", "sleep 600");
            DockerCli.run(server, "stop", "-t", "1", prefix + "stopped");
            await(who + ": stays stopped").during(RESTART_QUIET).atMost(RESTART_QUIET.multipliedBy(4))
                    .until(() -> inspect(server, "{{.State.Status}} {{.RestartCount}}", prefix + "stopped").equals("exited 0"));
            DockerCli.run(server, "rm", prefix + "stopped");
        });
    }
}
