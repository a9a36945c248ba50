package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogLine.Stream;
import dev.stevedore.engine.LogOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/** A container's logs: stdout apart from stderr, tail, since, timestamps, following, and lines of any length. */
public abstract class LogsContract extends EngineContract {

    @Test
    void logDriverNoneKeepsNothingAndLocalKeepsAsJsonFileDoes() {
        ContainerInfo none = started(busybox("echo gone; echo gone too >&2").logConfig(LogConfig.of("none")));
        ContainerInfo local = started(busybox("echo kept").logConfig(LogConfig.of("local")));
        assertThat(exited(none.id()).exitCode()).isZero();
        exited(local.id());

        assertThatThrownBy(() -> logLines(none.id(), LogOptions.all())).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining(LogConfig.NOT_READABLE);
        assertThat(engine.inspectContainer(none.id()).spec().logConfig()).isEqualTo(LogConfig.of("none"));
        assertThat(logTexts(local.id())).containsExactly("kept");
        assertThat(engine.inspectContainer(local.id()).spec().logConfig()).isEqualTo(LogConfig.of("local"));
    }

    /** 200 numbered lines of 40 bytes: 8 KiB, far past a 1 KiB max-size in either engine's format. */
    private static final String MANY_LINES =
            "i=100; while [ $i -lt 300 ]; do echo \"line$i ................................\"; i=$((i+1)); done";

    @Test
    void maxSizeAndMaxFileKeepTheLatestLinesInOrder() {
        ContainerInfo container = started(busybox(MANY_LINES)
                .logConfig(new LogConfig("json-file", java.util.Map.of("max-size", "1k", "max-file", "2"))));
        exited(container.id());

        List<String> kept = logTexts(container.id());
        assertThat(kept).as("the oldest lines were rotated away").hasSizeBetween(2, 199);
        assertThat(kept.get(kept.size() - 1)).startsWith("line299 ");
        int first = Integer.parseInt(kept.get(0).substring(4, 7));
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept.get(i)).as("line %d of what is kept", i).startsWith("line" + (first + i) + " ");
        }
        assertThat(logLines(container.id(), LogOptions.all().withTail(3))).extracting(LogLine::text)
                .containsExactly(kept.subList(kept.size() - 3, kept.size()).toArray(String[]::new));
        assertThat(engine.inspectContainer(container.id()).spec().logConfig().options())
                .containsEntry("max-size", "1k").containsEntry("max-file", "2");
    }

    @Test
    void aFollowerGoesOnAcrossRotationsInOrder() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ContainerInfo container = started(busybox("sleep 1; " + MANY_LINES)
                .logConfig(new LogConfig("local", java.util.Map.of("max-size", "1k", "max-file", "3"))));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (ContainerLogs logs = engine.logs(container.id(), LogOptions.all().following())) {
                logs.lines().forEach(line -> seen.add(line.text()));
            } catch (dev.stevedore.engine.ContainerEngineException e) {
                // dockerd 20.10's follower can also lose the race outright: the file it was to open next was rotated
                // away, and it ends the stream with "Error grabbing logs: no such file or directory" (seen in CI)
                if (followerReachesTheEnd() || !e.getMessage().contains("Error grabbing logs")) {
                    throw e;
                }
            }
        });
        // a follower may miss files rotated away before it got to them (as dockerd's may), never the order or the end;
        // dockerd 20.10's follower sends a few lines again around a rotation, so the order is that of first sight
        assertThat(seen).isNotEmpty();
        if (followerReachesTheEnd()) {
            assertThat(seen.get(seen.size() - 1)).startsWith("line299 ");
        }
        assertThat(seen.stream().distinct().map(line -> Integer.parseInt(line.substring(4, 7))).toList()).isSorted();
    }

    /**
     * Whether a follower's stream always ends with the container's last line, however fast the files rotate. The
     * embedded engine's does (its follower reads a file rotated away to its end before the next); dockerd 20.10's
     * {@code local} follower was seen in CI to end at line 279 of 300 when the last files rotated before it read them,
     * and once to end the stream with its own error for the same reason.
     */
    protected boolean followerReachesTheEnd() {
        return true;
    }

    @Test
    void anUnknownLogDriverIsRefusedByName() {
        assertThatThrownBy(() -> engine.createContainer(busybox("true").logConfig(LogConfig.of("no-such-driver")).build()))
                .hasMessageContaining("no-such-driver");
    }

    @Test
    void stdoutAndStderrAreTwoStreams() {
        ContainerInfo container = started(busybox("echo out1; echo err1 >&2; echo out2"));
        exited(container.id());

        List<LogLine> both = logLines(container.id(), LogOptions.all());
        List<LogLine> stdoutOnly = logLines(container.id(), new LogOptions(true, false, false, -1, null));
        List<LogLine> stderrOnly = logLines(container.id(), new LogOptions(false, true, false, -1, null));

        assertThat(both).filteredOn(l -> l.stream() == Stream.STDOUT).extracting(LogLine::text).containsExactly("out1", "out2");
        assertThat(both).filteredOn(l -> l.stream() == Stream.STDERR).extracting(LogLine::text).containsExactly("err1");
        assertThat(stdoutOnly).extracting(LogLine::text).containsExactly("out1", "out2");
        assertThat(stderrOnly).extracting(LogLine::text).containsExactly("err1");
    }

    @Test
    void tailGivesTheLastLines() {
        ContainerInfo container = started(busybox("for i in 1 2 3 4 5 6 7 8 9 10; do echo line$i; done"));
        exited(container.id());

        assertThat(logLines(container.id(), LogOptions.all().withTail(3))).extracting(LogLine::text)
                .containsExactly("line8", "line9", "line10");
        assertThat(logLines(container.id(), LogOptions.all().withTail(0))).isEmpty();
        assertThat(logLines(container.id(), LogOptions.all())).hasSize(10);
    }

    @Test
    void linesCarryTheTimeTheyWereWrittenAndSinceDropsEarlierOnes() {
        Instant before = Instant.now().minusSeconds(1);
        ContainerInfo container = started(busybox("echo early; sleep 1; echo late"));
        exited(container.id());

        List<LogLine> all = logLines(container.id(), LogOptions.all());
        assertThat(all).extracting(LogLine::text).containsExactly("early", "late");
        Instant early = all.get(0).time();
        Instant late = all.get(1).time();
        assertThat(early).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(Duration.between(early, late)).isGreaterThan(Duration.ofMillis(800));

        assertThat(logLines(container.id(), LogOptions.all().withSince(late))).extracting(LogLine::text).containsExactly("late");
        assertThat(logLines(container.id(), LogOptions.all().withSince(early.minusMillis(1)))).hasSize(2);
    }

    @Test
    void followGivesLinesAsTheyComeAndEndsWhenTheContainerExits() {
        ContainerInfo container = started(busybox("for i in 1 2 3; do echo tick$i; sleep 0.5; done"));
        List<Instant> arrivals = new CopyOnWriteArrayList<>();

        List<String> texts = assertTimeoutPreemptively(PATIENCE, () -> {
            try (ContainerLogs logs = engine.logs(container.id(), LogOptions.all().following())) {
                return logs.lines().peek(l -> arrivals.add(Instant.now())).map(LogLine::text).collect(Collectors.toList());
            }
        });

        assertThat(texts).containsExactly("tick1", "tick2", "tick3");
        assertThat(Duration.between(arrivals.get(0), arrivals.get(2))).isGreaterThan(Duration.ofMillis(500));
        assertThat(engine.inspectContainer(container.id()).state().running()).isFalse();
    }

    @Test
    void closingAFollowingStreamEndsIt() throws Exception {
        ContainerInfo container = started(busybox("while true; do echo tick; sleep 0.2; done"));
        ContainerLogs logs = engine.logs(container.id(), LogOptions.all().following());
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> logs.lines().peek(l -> seen.add(l.text())).count());
        await().atMost(PATIENCE).until(() -> seen.size() >= 2);

        logs.close();

        assertThat(reader.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
        assertThat(engine.inspectContainer(container.id()).state().running()).isTrue();
        engine.removeContainer(container.id(), true);
    }

    @Test
    void aLongLineArrivesWholeAndUtf8Intact() {
        ContainerInfo container = started(busybox("head -c 40000 /dev/zero | tr '\\0' x; echo; printf 'gr\\303\\274\\303\\237e\\n'"));
        exited(container.id());

        List<String> texts = logTexts(container.id());

        assertThat(texts).hasSize(2);
        assertThat(texts.get(0)).hasSize(40000).matches("x+");
        assertThat(texts.get(1)).isEqualTo("grüße");
    }

    @Test
    void aLastLineWithoutNewlineIsStillALineAndStaysUnterminated() {
        ContainerInfo container = started(busybox("echo first; printf 'unterminated'"));
        exited(container.id());

        List<LogLine> lines = logLines(container.id(), LogOptions.all());
        assertThat(lines).extracting(LogLine::text).containsExactly("first", "unterminated");
        assertThat(lines).extracting(LogLine::terminated).containsExactly(true, false);
        assertThat(joined(lines, Stream.STDOUT)).isEqualTo(ascii("first\nunterminated"));
        assertThat(logLines(container.id(), LogOptions.all().withTail(1))).extracting(LogLine::text).containsExactly("unterminated");
    }

    /** {@code printf 'a\377b\nlast'} on stdout, {@code printf 'e\376\nelast'} on stderr. */
    private static final String NOT_UTF8 = "printf 'a\\377b\\nlast'; printf 'e\\376\\n' >&2; printf 'elast' >&2";

    @Test
    void logsAreTheBytesTheContainerWroteStreamByStream() {
        // the local driver: dockerd's json-file keeps text, not bytes (jsonFileKeepsBytes)
        ContainerInfo container = started(busybox(NOT_UTF8).logConfig(LogConfig.of("local")));
        exited(container.id());

        List<LogLine> lines = logLines(container.id(), LogOptions.all());

        assertThat(joined(lines, Stream.STDOUT)).isEqualTo(new byte[] {'a', (byte) 0377, 'b', '\n', 'l', 'a', 's', 't'});
        assertThat(joined(lines, Stream.STDERR)).isEqualTo(new byte[] {'e', (byte) 0376, '\n', 'e', 'l', 'a', 's', 't'});
        assertThat(lines).filteredOn(l -> l.stream() == Stream.STDOUT).extracting(LogLine::text, LogLine::terminated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a\uFFFDb", true), org.assertj.core.groups.Tuple.tuple("last", false));
    }

    @Test
    void theDefaultDriverKeepsTheBytesUnlessTheEngineIsDockerdsJsonFile() {
        ContainerInfo container = started(busybox(NOT_UTF8));
        exited(container.id());

        byte[] stdout = joined(logLines(container.id(), LogOptions.all()), Stream.STDOUT);

        if (jsonFileKeepsBytes()) {
            assertThat(stdout).isEqualTo(new byte[] {'a', (byte) 0377, 'b', '\n', 'l', 'a', 's', 't'});
        } else {
            // dockerd's json-file writes its log as JSON text: a byte that is not UTF-8 comes back as U+FFFD
            assertThat(stdout).isEqualTo(new byte[] {'a', (byte) 0xef, (byte) 0xbf, (byte) 0xbd, 'b', '\n', 'l', 'a', 's', 't'});
        }
    }

    /**
     * Whether the default log driver gives back bytes that are not UTF-8 as they were written: the embedded engine's
     * does (one log format for every driver); dockerd's json-file stores text and turns them into U+FFFD.
     */
    protected boolean jsonFileKeepsBytes() {
        return true;
    }

    /** Every byte value twice: NULs, newlines, carriage returns, bytes that are no UTF-8, and no newline at the end. */
    private static final String EVERY_BYTE = "i=0; while [ $i -lt 256 ]; do printf \"\\\\$(printf %o $i)\"; i=$((i+1)); done > /tmp/bin; "
            + "cat /tmp/bin /tmp/bin";

    @Test
    void aBinaryFileCatIsInTheLogsByteForByteReadWholeOrFollowed() {
        byte[] expected = new byte[512];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        ContainerInfo container = started(busybox("sleep 1; " + EVERY_BYTE).logConfig(LogConfig.of("local")));
        List<LogLine> followed = assertTimeoutPreemptively(PATIENCE, () -> logLines(container.id(), LogOptions.all().following()));
        exited(container.id());

        assertThat(joined(logLines(container.id(), LogOptions.all()), Stream.STDOUT)).isEqualTo(expected);
        if (followerReachesTheEnd()) {
            assertThat(joined(followed, Stream.STDOUT)).isEqualTo(expected);
        } else {
            // dockerd 20.10's follower, when the container ends as it follows, was seen to miss the last message
            assertThat(expected).startsWith(joined(followed, Stream.STDOUT));
        }
    }

    private static byte[] joined(List<LogLine> lines, Stream stream) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        lines.stream().filter(line -> line.stream() == stream).forEach(line -> bytes.writeBytes(line.bytes()));
        return bytes.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
