package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogLineTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:01Z");

    @Test
    void theBytesAreKeptAsWrittenAndTheTextIsTheLineDecodedWithoutItsTerminator() throws IOException {
        byte[] written = {'a', (byte) 0xff, 'b', '\r', '\n'};
        LogLine line = new LogLine(LogLine.Stream.STDOUT, T, written);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(written);
        assertThat(line.bytes()).isEqualTo(written);
        assertThat(line.terminated()).isTrue();
        assertThat(line.text()).isEqualTo("a\uFFFDb");
    }

    @Test
    void anUnterminatedLineSaysSo() {
        LogLine last = new LogLine(LogLine.Stream.STDERR, T, "last".getBytes(StandardCharsets.US_ASCII));

        assertThat(last.terminated()).isFalse();
        assertThat(last.text()).isEqualTo("last");
        assertThat(new LogLine(LogLine.Stream.STDERR, T, new byte[0]).terminated()).isFalse();
    }

    @Test
    void aLineOfTextIsItsUtf8BytesAndANewline() {
        LogLine line = new LogLine(LogLine.Stream.STDOUT, T, "grün");

        assertThat(line.bytes()).isEqualTo("grün\n".getBytes(StandardCharsets.UTF_8));
        assertThat(line.text()).isEqualTo("grün");
        assertThat(line).isEqualTo(new LogLine(LogLine.Stream.STDOUT, T, "grün\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(line).hasSameHashCodeAs(new LogLine(LogLine.Stream.STDOUT, T, "grün\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void neitherTheCallerNorAReaderCanChangeTheBytes() {
        byte[] written = "x\n".getBytes(StandardCharsets.US_ASCII);
        LogLine line = new LogLine(LogLine.Stream.STDOUT, T, written);
        written[0] = 'y';
        line.bytes()[0] = 'z';

        assertThat(line.text()).isEqualTo("x");
    }

    @Test
    void aMissingStreamOrMissingBytesAreRefusedByName() {
        assertThatThrownBy(() -> new LogLine(null, T, new byte[0])).hasMessage("stream");
        assertThatThrownBy(() -> new LogLine(LogLine.Stream.STDOUT, T, (byte[]) null)).hasMessage("bytes");
    }
}
