package dev.stevedore.engine.internal.build;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stevedore.engine.BuildException;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what a user's Dockerfile reaches before anything runs: the parser, the stage plan a build makes from it
 * (global args, stage names, {@code --target}, {@code COPY --from}), the shell-word lexer over every instruction's
 * arguments, and the ONBUILD triggers an image may carry. Whatever the text, the parser gives instructions or a
 * {@link DockerfileException} naming the file and line; the plan gives stages or a {@link BuildException}; the
 * lexer gives words or an {@link IllegalArgumentException} (which the build reports with the file and line).
 * Anything else, or a hang, is a finding.
 *
 * <p>Runs over the seed corpus in {@code DockerfileParserFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see the engine's pom).
 */
class DockerfileParserFuzzTest {
    private static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER",
            "EXPOSE", "LABEL", "CMD", "ENTRYPOINT", "VOLUME", "HEALTHCHECK", "STOPSIGNAL", "SHELL", "ONBUILD", "MAINTAINER");
    private static final Map<String, String> VARIABLES = Map.of("A", "one", "EMPTY", "", "P", "a b");

    @FuzzTest(maxDuration = "30s")
    void parsesOrNamesTheLineAndPlansOrRefuses(FuzzedDataProvider data) {
        String target = data.consumeBoolean() ? data.consumeString(8) : null;
        String text = data.consumeRemainingAsString();
        Dockerfile dockerfile;
        try {
            dockerfile = DockerfileParser.parse("Dockerfile", text);
        } catch (DockerfileException refused) {
            assertThat(refused.getMessage()).startsWith("Dockerfile line ");
            return;
        }
        int lines = text.split("\n", -1).length;
        int previous = 0;
        for (Instruction instruction : dockerfile.instructions()) {
            assertThat(instruction.keyword()).isIn(KEYWORDS);
            assertThat(instruction.line()).isGreaterThan(previous).isLessThanOrEqualTo(lines);
            previous = instruction.line();
            lex(dockerfile, instruction.args());
            instruction.flags().forEach(f -> lex(dockerfile, f.value()));
            if (instruction.keyword().equals("ONBUILD")) {
                // what an image built from this file would carry, parsed again where a child's FROM runs it
                Instruction trigger = DockerfileParser.trigger("Dockerfile", 1, instruction.args(), dockerfile.escape());
                assertThat(trigger.keyword()).isIn(KEYWORDS).isNotIn("ONBUILD", "FROM", "MAINTAINER");
            }
        }
        try {
            Stages stages = Stages.of(dockerfile, Map.of("A", "from the build"));
            int index = stages.target(target);
            assertThat(stages.needed(index, dockerfile.escape())).contains(index).allMatch(i -> i <= index);
        } catch (BuildException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    private static void lex(Dockerfile dockerfile, String text) {
        ShellLex lex = new ShellLex(dockerfile.escape(), VARIABLES);
        try {
            lex.words(text);
            lex.word(text);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
        assertThat(lex.used()).as("the variables %s uses", text).allMatch(text::contains);
    }
}
