package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FramesTest {

    @Test
    void aFrameIsTheStreamTypeThreeZerosTheBigEndianLengthAndThePayload() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Frames.write(out, Frames.STDERR, "oops\n".getBytes(StandardCharsets.UTF_8));

        ByteBuffer frame = ByteBuffer.wrap(out.toByteArray());
        assertThat(frame.get()).isEqualTo((byte) 2);
        assertThat(new byte[] {frame.get(), frame.get(), frame.get()}).containsOnly(0);
        assertThat(frame.getInt()).isEqualTo(5);
        assertThat(StandardCharsets.UTF_8.decode(frame).toString()).isEqualTo("oops\n");
    }

    @Test
    void lengthsAboveSixteenBitsKeepEveryByte() {
        assertThat(Frames.header(Frames.STDOUT, 0x01020304)).containsExactly(1, 0, 0, 0, 1, 2, 3, 4);
    }

    @Test
    void theContentTypeFollowsTheApiVersion() {
        assertThat(Frames.contentType("1.41")).isEqualTo(Frames.RAW);
        assertThat(Frames.contentType("1.42")).isEqualTo(Frames.MULTIPLEXED);
        assertThat(Frames.contentType(null)).isEqualTo(Frames.MULTIPLEXED);
    }
}
