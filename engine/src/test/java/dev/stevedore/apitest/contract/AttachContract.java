package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code ContainerEngine.attach}, as {@code docker run} and {@code docker attach} take a container's output: taken
 * before the start it gets everything the run writes, as the bytes written (not UTF-8, a NUL, a carriage return, a
 * last line without a newline), each stream on its own, and ends when the container exits; taken on a running
 * container it gets what comes from then on; with a tty, the terminal's raw stream. All of it whatever the log driver:
 * a container logging to {@code none} has no logs, but an attach shows its output, as dockerd's attach stream does.
 *
 * <p>Runs on both engines ({@code EmbeddedAttachContractIT}, {@code DockerAttachContractIT}).
 */
public abstract class AttachContract extends EngineContract {
    /** Writes {@link #STDOUT} and {@link #STDERR}. */
    protected static final String SCRIPT = "printf 'a\\377\\000b\\r\\n'; printf 'err\\376\\n' >&2; printf 'last'";
    protected static final byte[] STDOUT = {'a', (byte) 0377, 0, 'b', '\r', '\n', 'l', 'a', 's', 't'};
    protected static final byte[] STDERR = {'e', 'r', 'r', (byte) 0376, '\n'};

    @Test
    void anAttachTakenBeforeTheStartGetsTheRunsBytesAsWrittenUntilItExits() throws Exception {
        List<LogLine> lines = startedAttached(busybox(SCRIPT));

        assertThat(bytes(lines, LogLine.Stream.STDOUT)).isEqualTo(STDOUT);
        assertThat(bytes(lines, LogLine.Stream.STDERR)).isEqualTo(STDERR);
        assertThat(lines.stream().filter(l -> l.stream() == LogLine.Stream.STDOUT).map(LogLine::terminated))
                .containsExactly(true, false);
    }

    @Test
    void anAttachToARunningContainerGetsWhatItWritesFromThenOn() throws Exception {
        // the script waits for a file the test creates once it is attached: an exec, not a timer, says when
        ContainerInfo waiting = started(busybox("echo before; while [ ! -e /tmp/go ]; do sleep 0.1; done; printf 'after\\377\\nend'"));
        await().atMost(PATIENCE).until(() -> logTexts(waiting.id()).contains("before"));

        List<LogLine> lines;
        try (ContainerLogs output = engine.attach(waiting.id())) {
            assertThat(engine.exec(waiting.id(), ExecSpec.of("touch", "/tmp/go")).exitCode()).isZero();
            lines = untilTheEnd(output);
        }

        assertThat(bytes(lines, LogLine.Stream.STDOUT)).isEqualTo(new byte[] {'a', 'f', 't', 'e', 'r', (byte) 0377, '\n', 'e', 'n', 'd'});
        assertThat(exited(waiting.id()).exitCode()).isZero();
    }

    @Test
    void aContainerWithATtyIsAttachedToTheTerminalsRawStream() throws Exception {
        List<LogLine> lines = startedAttached(busybox("printf 'a\\nb'").tty(true));

        assertThat(bytes(lines, LogLine.Stream.STDOUT)).isEqualTo(new byte[] {'a', '\r', '\n', 'b'});
        assertThat(bytes(lines, LogLine.Stream.STDERR)).isEmpty();
    }

    @Test
    void aContainerLoggingToNoneIsSeenThroughTheAttachThoughItHasNoLogs() throws Exception {
        ContainerInfo created = engine.createContainer(busybox(SCRIPT).logConfig(LogConfig.of("none")).build());

        List<LogLine> attached = startedAttached(created);

        assertThat(bytes(attached, LogLine.Stream.STDOUT)).isEqualTo(STDOUT);
        assertThat(bytes(attached, LogLine.Stream.STDERR)).isEqualTo(STDERR);
        assertThatThrownBy(() -> logLines(created.id(), LogOptions.all())).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining(LogConfig.NOT_READABLE);
    }

    @Test
    void anAttachToARunningContainerLoggingToNoneGetsWhatItWritesFromThenOn() throws Exception {
        // it says it is past "before" with a file, as it has no logs to look in; an exec, not a timer, says when
        ContainerInfo waiting = started(busybox("echo before; touch /tmp/ready; while [ ! -e /tmp/go ]; do sleep 0.1; done; "
                + "echo after; echo late >&2").logConfig(LogConfig.of("none")));
        await().atMost(PATIENCE).until(() -> engine.exec(waiting.id(), ExecSpec.of("test", "-e", "/tmp/ready")).exitCode() == 0);

        List<LogLine> lines;
        try (ContainerLogs output = engine.attach(waiting.id())) {
            assertThat(engine.exec(waiting.id(), ExecSpec.of("touch", "/tmp/go")).exitCode()).isZero();
            lines = untilTheEnd(output);
        }

        assertThat(new String(bytes(lines, LogLine.Stream.STDOUT), StandardCharsets.UTF_8)).isEqualTo("after\n");
        assertThat(new String(bytes(lines, LogLine.Stream.STDERR), StandardCharsets.UTF_8)).isEqualTo("late\n");
    }

    @Test
    void aContainerWithATtyLoggingToNoneIsAttachedToTheTerminalsRawStream() throws Exception {
        List<LogLine> lines = startedAttached(busybox("printf 'a\\nb'").tty(true).logConfig(LogConfig.of("none")));

        assertThat(bytes(lines, LogLine.Stream.STDOUT)).isEqualTo(new byte[] {'a', '\r', '\n', 'b'});
    }

    @Test
    void anAttachToNoSuchContainerIsRefused() {
        assertThatThrownBy(() -> engine.attach(uniqueName("missing")))
                .isInstanceOf(ContainerNotFoundException.class);
    }

    /** Creates the container, attaches, starts it, and reads its output to the end. */
    protected List<LogLine> startedAttached(dev.stevedore.engine.ContainerSpec.Builder spec) throws Exception {
        return startedAttached(engine.createContainer(spec.build()));
    }

    /** Attaches to the created container, starts it, and reads its output to the end. */
    protected List<LogLine> startedAttached(ContainerInfo created) throws Exception {
        try (ContainerLogs output = engine.attach(created.id())) {
            engine.startContainer(created.id());
            return untilTheEnd(output);
        }
    }

    /** The lines until the stream ends, as it does when the container exits; bounded so that a hang fails, not waits. */
    protected static List<LogLine> untilTheEnd(ContainerLogs output) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try (Stream<LogLine> lines = output.lines()) {
                return lines.toList();
            }
        }).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    protected static byte[] bytes(List<LogLine> lines, LogLine.Stream stream) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        lines.stream().filter(l -> l.stream() == stream).forEach(l -> joined.writeBytes(l.bytes()));
        return joined.toByteArray();
    }
}
