package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A container's standard input, as {@code docker run -i} and {@code docker exec -i} have it: a container created with
 * an open stdin reads what {@code attachStdin} writes as it comes; with stdin-once, closing the stream is its end of
 * file, without it stdin stays open for the next attach; a container without an open stdin reads end of file at once
 * and refuses an attach; a container that does not read its stdin makes the writer wait (bounded), never the engine:
 * its output goes on, it can be stopped, and the writer then fails. An exec's stdin stream is passed on line by line.
 *
 * <p>Runs on both engines and through {@code stevedore serve} ({@code EmbeddedStdinContractIT},
 * {@code DockerStdinContractIT}, {@code ServeStdinContractIT}).
 */
public abstract class StdinContract extends EngineContract {
    private ContainerInfo target;

    @BeforeAll
    void startTarget() {
        target = started(busybox("sleep 3600"));
    }

    @Test
    void stdinOnceEndsTheContainersInputWhenTheStreamCloses() throws IOException {
        ContainerInfo cat = started(busybox("cat; echo cat-ended").openStdin(true).stdinOnce(true));

        try (OutputStream stdin = engine.attachStdin(cat.id())) {
            stdin.write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(exited(cat.id()).exitCode()).isZero();
        assertThat(logTexts(cat.id())).containsExactly("hello", "world", "cat-ended");
    }

    @Test
    void openStdinAnswersLineByLine() throws IOException {
        ContainerInfo echo = started(busybox("while read l; do echo got-$l; done; echo bye")
                .openStdin(true).stdinOnce(true));

        try (OutputStream stdin = engine.attachStdin(echo.id())) {
            stdin.write("a\n".getBytes(StandardCharsets.UTF_8));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(logTexts(echo.id())).containsExactly("got-a"));
            stdin.write("b\n".getBytes(StandardCharsets.UTF_8));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(logTexts(echo.id())).containsExactly("got-a", "got-b"));
        }

        assertThat(exited(echo.id()).exitCode()).isZero();
        assertThat(logTexts(echo.id())).containsExactly("got-a", "got-b", "bye");
    }

    @Test
    void withoutStdinOnceStdinStaysOpenFromOneAttachToTheNext() throws IOException {
        ContainerInfo reader = started(busybox("read a; read b; echo $a-$b").openStdin(true));

        try (OutputStream first = engine.attachStdin(reader.id())) {
            first.write("one\n".getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream second = engine.attachStdin(reader.id())) {
            second.write("two\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(exited(reader.id()).exitCode()).isZero();
        assertThat(logTexts(reader.id())).containsExactly("one-two");
    }

    @Test
    void withoutOpenStdinTheContainerReadsEndOfFileAndAnAttachIsRefused() {
        ContainerInfo cat = started(busybox("cat; echo eof-$?"));

        assertThat(exited(cat.id()).exitCode()).isZero();
        assertThat(logTexts(cat.id())).containsExactly("eof-0");
        assertThatThrownBy(() -> engine.attachStdin(target.id()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("open stdin");
    }

    @Test
    void aContainerThatDoesNotReadItsStdinStallsTheWriterNotTheEngine() {
        ContainerInfo busy = started(busybox("i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.05; done")
                .openStdin(true).stdinOnce(true));
        long total = 64L << 20;
        AtomicLong written = new AtomicLong();
        OutputStream stdin = engine.attachStdin(busy.id());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            byte[] chunk = new byte[64 * 1024];
            try (stdin) {
                while (written.get() < total) {
                    stdin.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // the container's output goes on while the writer waits for it to read
        int ticks = tickCount(busy.id());
        await().atMost(PATIENCE).until(() -> tickCount(busy.id()) >= ticks + 20);
        assertThat(writer).as("%d of %d bytes written to a container that reads nothing", written.get(), total).isNotDone();
        assertThat(written.get()).isLessThan(total);

        engine.stopContainer(busy.id(), java.time.Duration.ofSeconds(1));
        assertThat(exited(busy.id()).running()).isFalse();
        await().atMost(PATIENCE).until(writer::isDone);
        assertThat(writer).as("a write to a container that ended fails").isCompletedExceptionally();
    }

    private int tickCount(String container) {
        return (int) logTexts(container).stream().filter(t -> t.startsWith("tick-")).count();
    }

    @Test
    void execStdinStreamIsAnsweredLineByLine() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        PipedOutputStream input = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(input);
        CompletableFuture<ExecResult> exec = CompletableFuture.supplyAsync(() -> engine.exec(target.id(),
                ExecSpec.of("sh", "-c", "while read l; do echo got-$l; done; echo bye")
                        .withStdin(stdin).withOutput(line -> lines.add(line.text()))));

        input.write("first\n".getBytes(StandardCharsets.UTF_8));
        input.flush();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(lines).containsExactly("got-first"));
        input.write("second\n".getBytes(StandardCharsets.UTF_8));
        input.flush();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(lines).containsExactly("got-first", "got-second"));
        assertThat(exec).as("the exec waits for more input").isNotDone();
        input.close();

        ExecResult result = exec.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("got-first\ngot-second\nbye\n");
        assertThat(lines).containsExactly("got-first", "got-second", "bye");
    }

    @Test
    void execThatDoesNotReadItsStdinEndsAllTheSame() {
        AtomicLong offered = new AtomicLong();
        long limit = 1L << 30;
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                return offered.getAndIncrement() < limit ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (offered.get() >= limit) {
                    return -1;
                }
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                offered.addAndGet(len);
                return len;
            }
        };

        ExecResult result = engine.exec(target.id(), ExecSpec.of("sh", "-c", "echo without-reading").withStdin(endless));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("without-reading\n");
        assertThat(offered.get()).as("stdin taken from a stream nobody reads").isLessThan(limit);
    }

    @Test
    void execStdinStreamOfManyMegabytesArrivesWhole() throws Exception {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'z');
        java.io.InputStream eightMegabytes = new java.io.SequenceInputStream(java.util.Collections.enumeration(
                java.util.Collections.nCopies(8, chunk).stream().map(java.io.ByteArrayInputStream::new).toList()));

        ExecResult result = engine.exec(target.id(), ExecSpec.of("wc", "-c").withStdin(eightMegabytes));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().strip()).isEqualTo(Integer.toString(8 << 20));
    }
}
