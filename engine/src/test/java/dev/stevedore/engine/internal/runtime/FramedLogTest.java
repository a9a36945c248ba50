package dev.stevedore.engine.internal.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FramedLogTest {
    @TempDir
    Path dir;

    private void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void recordsAreReadWithTheirTimeAndKind() throws IOException {
        Path log = dir.resolve("stdout.log");
        append(log, "1700000000123456789 F 5\nhello\n1700000000223456789 P 3\nabc\n1700000000323456789 F 0\n\n");

        try (FramedLog.Cursor cursor = new FramedLog.Cursor(log)) {
            List<FramedLog.Record> records = cursor.poll();

            assertThat(records).hasSize(3);
            assertThat(records.get(0).time()).isEqualTo(java.time.Instant.ofEpochSecond(1700000000L, 123456789));
            assertThat(new String(records.get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(records.get(1).partial()).isTrue();
            assertThat(records.get(2).bytes()).isEmpty();
            assertThat(cursor.poll()).isEmpty();
        }
        assertThat(FramedLog.text(log)).isEqualTo("hello\nabc\n");
    }

    @Test
    void aHalfWrittenRecordIsReadOnceItIsComplete() throws IOException {
        Path log = dir.resolve("stdout.log");
        try (FramedLog.Cursor cursor = new FramedLog.Cursor(log)) {
            assertThat(cursor.poll()).as("no file yet").isEmpty();
            append(log, "1 F 11\nhello");
            assertThat(cursor.poll()).isEmpty();
            append(log, " world");
            assertThat(cursor.poll()).isEmpty();
            append(log, "\n2 F");
            assertThat(cursor.poll()).extracting(r -> new String(r.bytes(), StandardCharsets.UTF_8)).containsExactly("hello world");
            append(log, " 1\nx\n");
            assertThat(cursor.poll()).extracting(FramedLog.Record::nanos).containsExactly(2L);
        }
    }

    @Test
    void bytesThatAreNoRecordAreAnErrorNamingTheOffset() throws IOException {
        Path log = dir.resolve("stderr.log");
        append(log, "1 F 1\na\nnot a record header\n");

        try (FramedLog.Cursor cursor = new FramedLog.Cursor(log)) {
            assertThatThrownBy(cursor::poll).isInstanceOf(UncheckedIOException.class).hasMessageContaining("damaged at byte 8");
        }
    }
}
