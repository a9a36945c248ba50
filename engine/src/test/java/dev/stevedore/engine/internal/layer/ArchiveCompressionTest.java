package dev.stevedore.engine.internal.layer;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ArchiveCompressionTest {

    @Test
    void eachCompressionDockerAcceptsIsReadBackToTheSameBytes() throws IOException {
        byte[] plain = "a tar's bytes, or anything else".getBytes(StandardCharsets.UTF_8);
        assertThat(roundTrip(plain, out -> out)).isEqualTo(plain);
        assertThat(roundTrip(plain, out -> unchecked(() -> new GzipCompressorOutputStream(out)))).isEqualTo(plain);
        assertThat(roundTrip(plain, out -> unchecked(() -> new BZip2CompressorOutputStream(out)))).isEqualTo(plain);
        assertThat(roundTrip(plain, out -> unchecked(() -> new XZCompressorOutputStream(out)))).isEqualTo(plain);
    }

    @Test
    void magicNumbersNameTheCompression() {
        assertThat(ArchiveCompression.detect(new byte[] {0x1f, (byte) 0x8b, 0x08, 0})).isEqualTo("gzip");
        assertThat(ArchiveCompression.detect("BZh91AY".getBytes(StandardCharsets.US_ASCII))).isEqualTo("bzip2");
        assertThat(ArchiveCompression.detect(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0})).isEqualTo("xz");
        assertThat(ArchiveCompression.detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd})).isEqualTo("zstd");
        assertThat(ArchiveCompression.detect("file.txt".getBytes(StandardCharsets.US_ASCII))).isEqualTo("none");
        assertThat(ArchiveCompression.detect(new byte[] {0x1f})).as("too short to say").isEqualTo("none");
    }

    private static byte[] roundTrip(byte[] plain, Function<OutputStream, OutputStream> compressor) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = compressor.apply(bytes)) {
            out.write(plain);
        }
        return ArchiveCompression.decompressed(new ByteArrayInputStream(bytes.toByteArray())).readAllBytes();
    }

    private interface Opener {
        OutputStream open() throws IOException;
    }

    private static OutputStream unchecked(Opener opener) {
        try {
            return opener.open();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
