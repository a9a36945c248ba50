package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTest {

    private static Terminal detect(Map<String, String> environment, boolean console) {
        return Terminal.detect(environment::get, console);
    }

    @Test
    void aConsoleWithATermIsInteractiveAndColoured() {
        Terminal terminal = detect(Map.of("TERM", "xterm-256color", "COLUMNS", "120"), true);

        assertThat(terminal.interactive()).isTrue();
        assertThat(terminal.color()).isTrue();
        assertThat(terminal.columns()).isEqualTo(120);
    }

    @Test
    void redirectedOutputOrADumbTermIsPlain() {
        assertThat(detect(Map.of("TERM", "xterm"), false).interactive()).isFalse();
        assertThat(detect(Map.of("TERM", "dumb"), true).interactive()).isFalse();
        assertThat(detect(Map.of(), true).interactive()).isFalse();
        assertThat(detect(Map.of("TERM", "xterm"), false).color()).isFalse();
    }

    @Test
    void noColorTakesColourAwayButKeepsProgressRedraws() {
        Terminal terminal = detect(Map.of("TERM", "xterm", "NO_COLOR", "1"), true);

        assertThat(terminal.interactive()).isTrue();
        assertThat(terminal.color()).isFalse();
    }

    @Test
    void anEmptyNoColorIsNotSet() {
        assertThat(detect(Map.of("TERM", "xterm", "NO_COLOR", ""), true).color()).isTrue();
    }

    @Test
    void progressModesOverrideTheGuess() {
        Terminal terminal = detect(Map.of("TERM", "xterm"), true);

        assertThat(terminal.withProgress(null)).isEqualTo(terminal);
        assertThat(terminal.withProgress("auto")).isEqualTo(terminal);
        assertThat(terminal.withProgress("plain").interactive()).isFalse();
        assertThat(terminal.withProgress("plain").color()).isFalse();
        assertThat(Terminal.plain().withProgress("TTY").interactive()).isTrue();
        assertThatThrownBy(() -> terminal.withProgress("fancy"))
                .hasMessage("--progress is \"fancy\"; use auto, plain or tty");
    }
}
