package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.LogLine.Stream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamFramesTest {

    private static byte[] frame(int type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.writeBytes(new byte[] {0, 0, 0});
        out.writeBytes(new byte[] {(byte) (payload.length >>> 24), (byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length});
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] frame(int type, String text) {
        return frame(type, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static List<StreamFrames.Frame> frames(byte[] bytes) throws IOException {
        StreamFrames frames = new StreamFrames(new ByteArrayInputStream(bytes));
        List<StreamFrames.Frame> all = new ArrayList<>();
        for (StreamFrames.Frame f = frames.next(); f != null; f = frames.next()) {
            all.add(f);
        }
        return all;
    }

    @Test
    void framesAreSplitByStream() throws IOException {
        List<StreamFrames.Frame> all = frames(concat(frame(1, "out\n"), frame(2, "err\n"), frame(0, "in\n"), frame(1, "")));

        assertThat(all).extracting(StreamFrames.Frame::stream).containsExactly(Stream.STDOUT, Stream.STDERR, Stream.STDOUT, Stream.STDOUT);
        assertThat(new String(all.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(frames(new byte[0])).isEmpty();
    }

    @Test
    void aStreamWithoutFramesIsATtyReadAsStdout() throws IOException {
        List<StreamFrames.Frame> all = frames("2026-01-01T00:00:01Z hello from a tty\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(all).extracting(StreamFrames.Frame::stream).containsOnly(Stream.STDOUT);
        assertThat(all.stream().map(f -> new String(f.payload(), StandardCharsets.UTF_8)).reduce("", String::concat))
                .isEqualTo("2026-01-01T00:00:01Z hello from a tty\r\n");
    }

    @Test
    void aDaemonErrorFrameIsRaisedAndTruncationIsAnError() {
        assertThatThrownBy(() -> frames(frame(3, "something broke")))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("something broke");
        byte[] whole = frame(1, "0123456789");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
        assertThatThrownBy(() -> frames(cut)).isInstanceOf(EOFException.class);
    }

    @Test
    void logTimestampsAreTakenOffEachPiece() {
        byte[] piece = "2026-11-23T04:42:21.123456789Z hello world\n".getBytes(StandardCharsets.US_ASCII);
        int end = DockerLogs.timestampEnd(piece);

        assertThat(end).isEqualTo(30);
        assertThat(DockerLogs.timestamp(piece, end)).isEqualTo(Instant.parse("2026-11-23T04:42:21.123456789Z"));
        assertThat(DockerLogs.timestamp("not-a-time x".getBytes(StandardCharsets.US_ASCII), 10)).isNull();
        assertThat(DockerLogs.timestampEnd("nospace".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(DockerContainers.since(Instant.parse("2026-01-01T00:00:01.000000042Z"))).isEqualTo("1767225601.000000042");
    }
}
