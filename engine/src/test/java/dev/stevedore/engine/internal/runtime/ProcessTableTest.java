package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerTop;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessTableTest {
    private static final String PS_EF = """
            UID          PID    PPID  C STIME TTY          TIME CMD
            root           1       0  0 19:00 ?        00:00:01 /sbin/init
            100000      4242    4200  0 19:59 ?        00:00:00 sleep 3600 --with spaces
            100000      4243    4242  0 19:59 pts/0    00:00:00 sh
            """;

    @Test
    void rowsAreNarrowedToTheContainersPidsAndTheLastColumnKeepsItsSpaces() {
        ContainerTop top = ProcessTable.parse(PS_EF, Set.of(4242L, 4243L), "c");

        assertThat(top.titles()).containsExactly("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");
        assertThat(top.processes()).containsExactly(
                List.of("100000", "4242", "4200", "0", "19:59", "?", "00:00:00", "sleep 3600 --with spaces"),
                List.of("100000", "4243", "4242", "0", "19:59", "pts/0", "00:00:00", "sh"));
    }

    @Test
    void psOutputWithoutAPidColumnIsRefusedSayingSo() {
        assertThatThrownBy(() -> ProcessTable.parse("COMMAND\nsleep\n", Set.of(1L), "web (abc)"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("container web (abc)").hasMessageContaining("no PID column");
    }
}
