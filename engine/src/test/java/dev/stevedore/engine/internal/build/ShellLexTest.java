package dev.stevedore.engine.internal.build;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShellLexTest {
    private final ShellLex lex = new ShellLex('\\', Map.of("A", "alpha", "E", "", "SP", "x y"));

    @Test
    void substitutesPlainAndBracedVariables() {
        assertThat(lex.word("$A/${A}_$A-1")).isEqualTo("alpha/alpha_alpha-1");
        assertThat(lex.word("$NOPE.")).isEqualTo(".");
    }

    @Test
    void defaultsAndAlternativesFollowTheColonRules() {
        assertThat(lex.word("${NOPE:-d}|${E:-d}|${E-d}|${A:-d}")).isEqualTo("d|d||alpha");
        assertThat(lex.word("${NOPE:+a}|${E:+a}|${E+a}|${A:+a$A}")).isEqualTo("||a|aalpha");
        assertThatThrownBy(() -> lex.word("${NOPE:?must be set}")).hasMessageContaining("NOPE: must be set");
    }

    @Test
    void singleQuotesAreLiteralDoubleQuotesSubstitute() {
        assertThat(lex.word("'$A' \"$A\" \\$A")).isEqualTo("$A alpha $A");
    }

    @Test
    void wordsSplitOnUnquotedWhitespaceOnly() {
        assertThat(lex.words("a \"b c\" $SP 'd e'")).containsExactly("a", "b c", "x y", "d e");
        assertThat(lex.words("K=\"v 1\" L=w")).containsExactly("K=v 1", "L=w");
        assertThat(lex.words("$NOPE a")).containsExactly("a");
    }

    @Test
    void recordsWhichVariablesWereUsed() {
        lex.word("${A} ${B:-x}");
        assertThat(lex.used()).containsExactly("A", "B");
    }

    @Test
    void backtickEscapeWorks() {
        assertThat(new ShellLex('`', Map.of("A", "1")).word("c:\\dir `$A $A")).isEqualTo("c:\\dir $A 1");
    }
}
