package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DetachKeysTest {
    private static DetachKeys.Watching watching(String keys, String typed) {
        return DetachKeys.parse(keys).watch(new ByteArrayInputStream(typed.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theDefaultSequenceEndsTheStreamAndIsNotPassedOn() throws IOException {
        DetachKeys.Watching in = watching(DetachKeys.DEFAULT, "ls\r\u0010\u0011rest");

        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("ls\r");
        assertThat(in.detached()).isTrue();
    }

    @Test
    void aPartialSequenceFollowedByAnotherKeyPassesOnAsTyped() throws IOException {
        DetachKeys.Watching in = watching(DetachKeys.DEFAULT, "a\u0010b\u0010\u0010\u0011");

        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("a\u0010b\u0010");
        assertThat(in.detached()).isTrue();
    }

    @Test
    void withoutTheSequenceTheStreamEndsWhereItsInputEnds() throws IOException {
        DetachKeys.Watching in = watching("ctrl-x,e", "echo e\u0018");

        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("echo e\u0018");
        assertThat(in.detached()).isFalse();
    }

    @Test
    void dockersNotationIsReadAndAMalformedKeyIsNamed() throws IOException {
        assertThat(watching("ctrl-@,ctrl-_,x", "\u0000\u001fx").readAllBytes()).isEmpty();
        assertThatThrownBy(() -> DetachKeys.parse("ctrl-1")).hasMessageContaining("'ctrl-1'");
        assertThatThrownBy(() -> DetachKeys.parse("ab")).hasMessageContaining("'ab'");
    }
}
