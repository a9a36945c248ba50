package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecordsTest {

    @Test
    void fieldsWithSpacesNewlinesAndUnicodeSurviveTheRoundTrip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Records.write(out, "bind", "/host dir/with\nnewline", "/ziel/ü", "ro");
        Records.write(out, "end");

        Records.Reader reader = new Records.Reader(new ByteArrayInputStream(out.toByteArray()));

        assertThat(reader.next()).isEqualTo(new Records.Record("bind", List.of("/host dir/with\nnewline", "/ziel/ü", "ro")));
        assertThat(reader.next()).isEqualTo(new Records.Record("end", List.of()));
        assertThat(reader.next()).isNull();
    }

    @Test
    void lengthsCountUtf8Bytes() {
        assertThat(new String(Records.encode("arg", "ü"), StandardCharsets.UTF_8)).isEqualTo("arg 2\nü\n");
    }

    @Test
    void nulCharactersAreRefusedBecauseTheyBecomeCStrings() {
        assertThatThrownBy(() -> Records.encode("arg", "a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void truncatedInputIsAnErrorNotASilentEnd() {
        Records.Reader reader = new Records.Reader(new ByteArrayInputStream("exit 4 1\ncode\n".getBytes(StandardCharsets.US_ASCII)));

        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class).hasMessageContaining("exit");
    }

    @Test
    void malformedLengthsAreRejected() {
        Records.Reader reader = new Records.Reader(new ByteArrayInputStream("exit x\n".getBytes(StandardCharsets.US_ASCII)));

        assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("malformed");
    }
}
