package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsWithThreeSpacesAndAMinimumWidth() {
        StringWriter text = new StringWriter();
        new Table("REPOSITORY", "TAG", "SIZE")
                .row("postgres", "15", "412MB")
                .row("127.0.0.1:5000/library/busybox", "latest", "2.2MB")
                .print(new PrintWriter(text, true));

        assertThat(text.toString().lines()).containsExactly(
                "REPOSITORY                       TAG       SIZE",
                "postgres                         15        412MB",
                "127.0.0.1:5000/library/busybox   latest    2.2MB");
    }

    @Test
    void leavesNoTrailingSpaceWhenTheLastCellIsEmpty() {
        StringWriter text = new StringWriter();
        new Table("A", "B").row("x", "").print(new PrintWriter(text, true));

        assertThat(text.toString().lines()).containsExactly("A         B", "x");
    }

    @Test
    void refusesRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 cells");
    }
}
