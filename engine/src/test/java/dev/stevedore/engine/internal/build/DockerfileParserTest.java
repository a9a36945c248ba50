package dev.stevedore.engine.internal.build;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerfileParserTest {

    private static List<Instruction> parse(String text) {
        return DockerfileParser.parse("Dockerfile", text).instructions();
    }

    @Test
    void keywordsAreCaseInsensitiveAndLinesAreNumbered() {
        List<Instruction> instructions = parse("from busybox\n\nrun echo hi\n");
        assertThat(instructions).extracting(Instruction::keyword).containsExactly("FROM", "RUN");
        assertThat(instructions).extracting(Instruction::line).containsExactly(1, 3);
        assertThat(instructions.get(1).args()).isEqualTo("echo hi");
    }

    @Test
    void continuationsJoinLinesAndDropCommentsAndEmptyLinesInside() {
        List<Instruction> instructions = parse("FROM a\nRUN echo one \\\n# a comment\n\n  two \\  \n three\nCMD x\n");
        assertThat(instructions.get(1).args()).isEqualTo("echo one   two  three");
        assertThat(instructions.get(2).line()).isEqualTo(7);
    }

    @Test
    void escapeDirectiveMakesTheBacktickTheContinuation() {
        Dockerfile dockerfile = DockerfileParser.parse("Dockerfile", "# escape=`\nFROM a\nRUN dir c:\\ `\n  /b\n");
        assertThat(dockerfile.escape()).isEqualTo('`');
        assertThat(dockerfile.instructions().get(1).args()).isEqualTo("dir c:\\   /b");
    }

    @Test
    void directivesCountOnlyAtTheTop() {
        Dockerfile dockerfile = DockerfileParser.parse("Dockerfile", "FROM a\n# escape=`\nRUN a \\\n b\n");
        assertThat(dockerfile.escape()).isEqualTo('\\');
        assertThat(dockerfile.instructions().get(1).args()).isEqualTo("a  b");
    }

    @Test
    void aDirectiveTwiceIsAnError() {
        assertThatThrownBy(() -> parse("# escape=`\n# escape=\\\nFROM a\n"))
                .isInstanceOf(DockerfileException.class).hasMessageContaining("line 2").hasMessageContaining("only one escape");
    }

    @Test
    void jsonFormIsRecognisedAndInvalidJsonIsShellForm() {
        List<Instruction> instructions = parse("FROM a\nCMD [\"echo\", \"hi\"]\nCMD ['echo']\nENTRYPOINT [\"a\", 1]\n");
        assertThat(instructions.get(1).json()).containsExactly("echo", "hi");
        assertThat(instructions.get(2).json()).isNull();
        assertThat(instructions.get(3).json()).isNull();
    }

    @Test
    void flagsAreParsedAndUnknownFlagsAreErrorsNamingTheLine() {
        Instruction copy = parse("FROM a\nCOPY --from=build --chown=1:2 /a /b\n").get(1);
        assertThat(copy.flagMap()).containsEntry("from", "build").containsEntry("chown", "1:2");
        assertThat(copy.args()).isEqualTo("/a /b");
        assertThatThrownBy(() -> parse("FROM a\n\nCOPY --frm=x a b\n"))
                .isInstanceOf(DockerfileException.class)
                .hasMessageContaining("Dockerfile line 3 (COPY --frm=x a b)").hasMessageContaining("unknown flag: --frm");
    }

    @Test
    void unknownInstructionIsAnErrorNamingFileLineAndInstruction() {
        assertThatThrownBy(() -> parse("FROM a\nRUNN make\n"))
                .isInstanceOf(DockerfileException.class)
                .hasMessageContaining("Dockerfile line 2 (RUNN make)").hasMessageContaining("unknown instruction: RUNN");
    }

    @Test
    void missingArgumentsAndNonJsonShellAreErrors() {
        assertThatThrownBy(() -> parse("FROM a\nWORKDIR\n")).hasMessageContaining("WORKDIR requires at least one argument");
        assertThatThrownBy(() -> parse("FROM a\nSHELL /bin/bash -c\n")).hasMessageContaining("SHELL requires the arguments to be in JSON form");
        assertThatThrownBy(() -> parse("# only a comment\n")).hasMessageContaining("no instructions");
    }

    @Test
    void heredocsTakeTheFollowingLinesUntilTheirDelimiter() {
        List<Instruction> instructions = parse("FROM a\nRUN <<EOF\necho $HOME\n  echo two\nEOF\nCOPY <<-'A' <<B /dst/\n\tx $Y\n\tA\nb\nB\nCMD end\n");
        Instruction run = instructions.get(1);
        assertThat(run.heredocs()).containsExactly(new Instruction.Heredoc("EOF", "echo $HOME\n  echo two\n", true, false));
        Instruction copy = instructions.get(2);
        assertThat(copy.heredocs()).containsExactly(
                new Instruction.Heredoc("A", "x $Y\n", false, true),
                new Instruction.Heredoc("B", "b\n", true, false));
        assertThat(instructions.get(3).keyword()).isEqualTo("CMD");
        assertThat(instructions.get(3).line()).isEqualTo(11);
    }

    @Test
    void shiftsInsideAWordAreNoHeredocs() {
        List<Instruction> instructions = parse("FROM a\nRUN echo $((1<<2)) 2<<EOF\nx\nEOF\n");
        assertThat(instructions.get(1).heredocs()).containsExactly(new Instruction.Heredoc("EOF", "x\n", true, false));
    }

    @Test
    void anUnclosedHeredocIsAnError() {
        assertThatThrownBy(() -> parse("FROM a\nRUN <<EOF\necho\n")).hasMessageContaining("line 2").hasMessageContaining("not closed");
    }

    @Test
    void windowsLineEndingsAndByteOrderMarkAreAccepted() {
        assertThat(parse("\uFEFFFROM a\r\nRUN b\r\n")).extracting(Instruction::args).containsExactly("a", "b");
    }

    @Test
    void onbuildTriggersAreCheckedWhereTheyAreWritten() {
        assertThat(parse("FROM a\nONBUILD RUN echo hi\n").get(1).args()).isEqualTo("RUN echo hi");
        assertThatThrownBy(() -> parse("FROM a\nONBUILD ONBUILD RUN x\n"))
                .isInstanceOf(DockerfileException.class).hasMessageContaining("line 2").hasMessageContaining("ONBUILD ONBUILD isn't allowed");
        assertThatThrownBy(() -> parse("FROM a\nonbuild from b\n")).hasMessageContaining("FROM isn't allowed as an ONBUILD trigger");
        assertThatThrownBy(() -> parse("FROM a\nONBUILD COPY --chwn=1 a b\n")).hasMessageContaining("unknown flag: --chwn for COPY");
        assertThatThrownBy(() -> parse("FROM a\nONBUILD FETCH x\n")).hasMessageContaining("unknown instruction: FETCH");
        assertThatThrownBy(() -> parse("FROM a\nONBUILD RUN <<EOF\necho\nEOF\n")).hasMessageContaining("here-documents are not allowed");
    }

    @Test
    void aStoredTriggerParsesAsTheInstructionItNamesAtTheLineOfTheFrom() {
        Instruction trigger = DockerfileParser.trigger("Dockerfile", 3, "copy --chown=1:1 a.txt /a", '\\');
        assertThat(trigger.keyword()).isEqualTo("COPY");
        assertThat(trigger.flagMap()).containsEntry("chown", "1:1");
        assertThat(trigger.args()).isEqualTo("a.txt /a");
        assertThat(trigger.line()).isEqualTo(3);
        assertThat(trigger.original()).isEqualTo("ONBUILD copy --chown=1:1 a.txt /a");
        assertThatThrownBy(() -> DockerfileParser.trigger("Dockerfile", 3, "MAINTAINER me", '\\'))
                .hasMessageContaining("Dockerfile line 3").hasMessageContaining("MAINTAINER isn't allowed");
    }
}
