package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static dev.stevedore.apitest.ContainerTestbed.exited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Logs kept per stream with the time of each line: tail, since, follow, and readable from any engine. */
class ContainerLogsIT extends ContainerTestBase {
    private static final LogOptions STDOUT = new LogOptions(true, false, false, -1, null);
    private static final LogOptions STDERR = new LogOptions(false, true, false, -1, null);

    private ContainerInfo run(String script) {
        return run(ContainerSpec.builder(busybox()).cmd("sh", "-c", script));
    }

    private static List<LogLine> read(ContainerEngine from, String id, LogOptions options) {
        try (ContainerLogs logs = from.logs(id, options)) {
            return logs.lines().toList();
        }
    }

    @Test
    void stdoutAndStderrAreKeptApartAndTimed() {
        Instant before = Instant.now();
        ContainerInfo info = run("echo out; echo err >&2; echo out again");
        exited(engine, info.id());

        assertThat(read(engine, info.id(), STDOUT)).extracting(LogLine::text).containsExactly("out", "out again");
        assertThat(read(engine, info.id(), STDERR)).extracting(LogLine::stream, LogLine::text)
                .containsExactly(tuple(LogLine.Stream.STDERR, "err"));
        List<LogLine> all = read(engine, info.id(), LogOptions.all());
        assertThat(all).extracting(LogLine::text).containsExactlyInAnyOrder("out", "err", "out again");
        assertThat(all).allSatisfy(line -> assertThat(line.time()).isBetween(before, Instant.now()));
        assertThat(all).extracting(LogLine::time).isSorted();
    }

    @Test
    void tailGivesTheLastLines() {
        ContainerInfo info = run("seq 1 100");
        exited(engine, info.id());

        assertThat(read(engine, info.id(), LogOptions.all().withTail(3))).extracting(LogLine::text).containsExactly("98", "99", "100");
        assertThat(read(engine, info.id(), LogOptions.all().withTail(0))).isEmpty();
    }

    @Test
    void sinceGivesTheLinesWrittenFromThatInstantOn() {
        ContainerInfo info = run("echo early; sleep 0.3; echo late");
        exited(engine, info.id());
        Instant late = read(engine, info.id(), LogOptions.all()).get(1).time();

        assertThat(read(engine, info.id(), LogOptions.all().withSince(late))).extracting(LogLine::text).containsExactly("late");
        assertThat(read(engine, info.id(), LogOptions.all().withSince(late.plusSeconds(1)))).isEmpty();
    }

    @Test
    void followDeliversLinesAsTheyComeAndEndsWhenTheContainerExits() {
        ContainerInfo info = run("for i in 1 2 3 4 5; do echo line $i; sleep 0.1; done; printf 'unterminated'");
        List<Instant> received = new ArrayList<>();

        List<String> lines;
        try (ContainerLogs logs = engine.logs(info.id(), LogOptions.all().following())) {
            lines = logs.lines().peek(line -> received.add(Instant.now())).map(LogLine::text).toList();
        }

        assertThat(lines).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5", "unterminated");
        assertThat(Duration.between(received.get(0), received.get(4))).as("lines arrive as written, not at the end")
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(engine.inspectContainer(info.id()).state().running()).isFalse();
    }

    @Test
    void closingAFollowStopsItWhileTheContainerRuns() throws Exception {
        ContainerInfo info = run("echo first; sleep 1000");
        ContainerLogs logs = engine.logs(info.id(), LogOptions.all().following());
        CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> logs.lines().map(LogLine::text).toList());
        await().atMost(Duration.ofSeconds(60)).until(() -> read(engine, info.id(), LogOptions.all()).size() == 1);

        logs.close();

        assertThat(reader.get(60, TimeUnit.SECONDS)).isIn(List.of("first"), List.of());
        assertThat(engine.inspectContainer(info.id()).state().running()).isTrue();
    }

    @Test
    void longLinesAndAPartialLastLineComeWhole() {
        ContainerInfo info = run("head -c 40000 /dev/zero | tr '\\0' 'x'; echo; printf 'no newline at the end'");
        exited(engine, info.id());

        List<String> lines = read(engine, info.id(), STDOUT).stream().map(LogLine::text).toList();

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).hasSize(40000).matches("x+");
        assertThat(lines.get(1)).isEqualTo("no newline at the end");
    }

    @Test
    void anotherEngineOnTheSameStateReadsAndFollowsTheLogs() {
        ContainerInfo info = run("for i in $(seq 1 20); do echo $i; sleep 0.02; done");
        try (ContainerEngine other = ContainerTestbed.engine()) {
            List<String> followed;
            try (ContainerLogs logs = other.logs(info.id(), LogOptions.all().following())) {
                followed = logs.lines().map(LogLine::text).toList();
            }

            assertThat(followed).isEqualTo(IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).collect(Collectors.toList()));
            assertThat(other.inspectContainer(info.id()).state().exitCode()).isZero();
        }
    }
}
