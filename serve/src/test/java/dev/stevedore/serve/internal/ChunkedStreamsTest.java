package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkedStreamsTest {

    @Test
    void eachWriteIsOneChunkAndCloseWritesTheLastChunk() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ChunkedOutputStream out = new ChunkedOutputStream(wire);

        out.write("{\"status\":\"x\"}\r\n".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[0]);
        out.write(new byte[300]);
        out.close();
        out.close();

        String text = wire.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("10\r\n{\"status\":\"x\"}\r\n\r\n12c\r\n").endsWith("\r\n0\r\n\r\n");
        assertThat(text.split("0\r\n\r\n", -1)).hasSize(2);
    }

    @Test
    void whatTheOutputWritesTheInputReadsBack() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (ChunkedOutputStream out = new ChunkedOutputStream(wire)) {
            out.write("first ".getBytes(StandardCharsets.UTF_8));
            out.write("second".getBytes(StandardCharsets.UTF_8));
        }
        wire.write("AFTER".getBytes(StandardCharsets.UTF_8));
        ByteArrayInputStream raw = new ByteArrayInputStream(wire.toByteArray());

        byte[] body = new ChunkedInputStream(raw).readAllBytes();

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("first second");
        assertThat(new String(raw.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("AFTER");
    }

    @Test
    void aBodyCutOffInsideAChunkIsAnError() {
        ByteArrayInputStream raw = new ByteArrayInputStream("a\r\nhal".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> new ChunkedInputStream(raw).readAllBytes()).isInstanceOf(EOFException.class);
    }

    @Test
    void aMalformedChunkSizeIsAnError() {
        ByteArrayInputStream raw = new ByteArrayInputStream("zz\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> new ChunkedInputStream(raw).readAllBytes()).isInstanceOf(IOException.class)
                .hasMessageContaining("chunk size");
    }

    @Test
    void aBoundedBodyCutOffEarlyIsAnError() {
        ByteArrayInputStream raw = new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> new BoundedInputStream(raw, 10).readAllBytes()).isInstanceOf(EOFException.class);
    }
}
