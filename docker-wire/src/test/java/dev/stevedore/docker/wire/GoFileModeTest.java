package dev.stevedore.docker.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GoFileModeTest {
    @Test
    void statModesBecomeGoFileModes() {
        assertThat(GoFileMode.fromPosix(040755)).isEqualTo((1L << 31) | 0755);
        assertThat(GoFileMode.fromPosix(0120777)).isEqualTo((1L << 27) | 0777);
        assertThat(GoFileMode.fromPosix(0100644)).isEqualTo(0644);
        assertThat(GoFileMode.fromPosix(0104755)).isEqualTo((1L << 23) | 0755);
        assertThat(GoFileMode.fromPosix(041777)).isEqualTo((1L << 31) | (1L << 20) | 0777);
        assertThat(GoFileMode.fromPosix(020620)).isEqualTo((1L << 26) | (1L << 21) | 0620);
    }

    @Test
    void goFileModesBecomeStatModesAgain() {
        for (int mode : new int[] {040755, 0120777, 0100644, 0104755, 042755, 041777, 020620, 060660, 010644, 0140755}) {
            assertThat(GoFileMode.toPosix(GoFileMode.fromPosix(mode))).as(Integer.toOctalString(mode)).isEqualTo(mode);
        }
    }
}
