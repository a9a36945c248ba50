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

    /** As logs.c rotates with max-file 3: FILE.1 to FILE.2 (the old FILE.2 dropped), FILE to FILE.1, a new FILE. */
    private void rotate(Path log) throws IOException {
        Path one = log.resolveSibling(log.getFileName() + ".1");
        if (Files.exists(one)) {
            Files.move(one, log.resolveSibling(log.getFileName() + ".2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(log, one);
        Files.createFile(log);
    }

    @Test
    void rotatedFilesAreReadOldestFirstAndAFollowerGoesOnAcrossRotations() throws IOException {
        Path log = dir.resolve("stdout.log");
        append(log, "1 F 1\na\n");
        rotate(log);
        append(log, "2 F 1\nb\n3 P 1\nc\n");
        rotate(log);
        append(log, "4 F 1\nd\n");

        try (FramedLog.Cursor cursor = new FramedLog.Cursor(log)) {
            assertThat(cursor.poll()).extracting(FramedLog.Record::nanos).containsExactly(1L, 2L, 3L, 4L);
            append(log, "5 F 1\ne\n");
            rotate(log); // drops the file of record 1, which was read
            append(log, "6 F 1\nf\n");
            rotate(log);
            append(log, "7 F 1\ng\n");
            assertThat(cursor.poll()).as("the one being read to its end, then the newer ones in order")
                    .extracting(FramedLog.Record::nanos).containsExactly(5L, 6L, 7L);
            assertThat(cursor.poll()).isEmpty();
        }
        assertThat(FramedLog.text(log)).as("three files kept").isEqualTo("d\ne\nf\ng\n");
    }

    @Test
    void aFileReplacedByAnEmptyOneIsReadToItsEndFirst() throws IOException {
        Path log = dir.resolve("stdout.log");
        append(log, "1 F 1\na\n");
        try (FramedLog.Cursor cursor = new FramedLog.Cursor(log)) {
            assertThat(cursor.poll()).hasSize(1);
            append(log, "2 F 1\nb\n");
            // max-file 1: a new file renamed over the old one
            Path fresh = dir.resolve("stdout.log.new");
            Files.writeString(fresh, "3 F 1\nc\n");
            Files.move(fresh, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(cursor.poll()).extracting(FramedLog.Record::nanos).containsExactly(2L, 3L);
        }
    }
}
