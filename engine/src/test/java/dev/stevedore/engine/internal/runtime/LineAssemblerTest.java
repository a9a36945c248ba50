package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogLine.Stream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineAssemblerTest {
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:01Z");
    private static final Instant T2 = Instant.parse("2026-01-01T00:00:02Z");

    @Test
    void linesAreJoinedAcrossPiecesPerStreamAndKeepTheTimeOfTheirFirstPiece() {
        List<LogLine> lines = new ArrayList<>();
        LineAssembler assembler = new LineAssembler(lines::add);
        byte[] umlaut = "grü".getBytes(StandardCharsets.UTF_8);

        assembler.accept(Stream.STDOUT, umlaut, 0, umlaut.length - 1, T1);
        assembler.accept(Stream.STDERR, "e1\ne2\r\n".getBytes(StandardCharsets.UTF_8), 0, 7, T1);
        assembler.accept(Stream.STDOUT, umlaut, umlaut.length - 1, 1, T2);
        assembler.accept(Stream.STDOUT, "n\n\nlast".getBytes(StandardCharsets.UTF_8), 0, 7, T2);
        assembler.finish();

        assertThat(lines).extracting(LogLine::stream, LogLine::time, LogLine::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Stream.STDERR, T1, "e1"),
                org.assertj.core.groups.Tuple.tuple(Stream.STDERR, T1, "e2"),
                org.assertj.core.groups.Tuple.tuple(Stream.STDOUT, T1, "grün"),
                org.assertj.core.groups.Tuple.tuple(Stream.STDOUT, T2, ""),
                org.assertj.core.groups.Tuple.tuple(Stream.STDOUT, T2, "last"));
        assertThat(lines).extracting(LogLine::terminated).containsExactly(true, true, true, true, false);
        assertThat(lines.get(1).bytes()).isEqualTo("e2\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theLinesTogetherAreTheBytesAsTheyCameBinaryIncluded() {
        byte[] written = {'a', (byte) 0xff, 'b', '\n', 0, (byte) 0x80, '\r', '\n', '\n', 'l', 'a', 's', 't'};
        List<LogLine> lines = new ArrayList<>();
        LineAssembler assembler = new LineAssembler(lines::add);
        for (int i = 0; i < written.length; i += 3) {
            assembler.accept(Stream.STDOUT, written, i, Math.min(3, written.length - i), T1);
        }
        assembler.finish();

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        lines.forEach(line -> joined.writeBytes(line.bytes()));
        assertThat(joined.toByteArray()).isEqualTo(written);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3).terminated()).isFalse();
    }
}
