package dev.stevedore.engine.internal.build;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IgnoreMatcherTest {

    @Test
    void aPatternExcludesTheDirectoryAndEverythingBelow() {
        IgnoreMatcher m = IgnoreMatcher.parse("target\n/build/\n");
        assertThat(m.excludes("target")).isTrue();
        assertThat(m.excludes("target/classes/A.class")).isTrue();
        assertThat(m.excludes("build/x")).isTrue();
        assertThat(m.excludes("src/target")).isFalse();
    }

    @Test
    void starMatchesWithinOneElementAndDoubleStarAcross() {
        IgnoreMatcher m = IgnoreMatcher.parse("*.log\n**/*.tmp\ndocs/**/draft-?.md\n");
        assertThat(m.excludes("a.log")).isTrue();
        assertThat(m.excludes("sub/a.log")).isFalse();
        assertThat(m.excludes("x.tmp")).isTrue();
        assertThat(m.excludes("a/b/c/x.tmp")).isTrue();
        assertThat(m.excludes("docs/draft-1.md")).isTrue();
        assertThat(m.excludes("docs/x/y/draft-2.md")).isTrue();
        assertThat(m.excludes("docs/draft-10.md")).isFalse();
    }

    @Test
    void theLastMatchingLineWinsAndExceptionsReinclude() {
        IgnoreMatcher m = IgnoreMatcher.parse("*.md\n!README.md\nREADME-secret.md\n");
        assertThat(m.excludes("a.md")).isTrue();
        assertThat(m.excludes("README.md")).isFalse();
        assertThat(m.excludes("README-secret.md")).isTrue();
        assertThat(m.hasExceptions()).isTrue();
        IgnoreMatcher order = IgnoreMatcher.parse("!keep.txt\n*.txt\n");
        assertThat(order.excludes("keep.txt")).isTrue();
    }

    @Test
    void commentsBlankLinesAndUncleanPatternsAreHandled() {
        IgnoreMatcher m = IgnoreMatcher.parse("\uFEFF# comment\n\n  ./a/../secret  \n #not a comment\n[ab].txt\n");
        assertThat(m.excludes("secret")).isTrue();
        assertThat(m.excludes("secret/key")).isTrue();
        assertThat(m.excludes(" #not a comment")).isFalse();
        assertThat(m.excludes("#not a comment")).isTrue();
        assertThat(m.excludes("a.txt")).isTrue();
        assertThat(m.excludes("c.txt")).isFalse();
        assertThat(IgnoreMatcher.NONE.excludes("anything")).isFalse();
    }

    @Test
    void cleanFollowsGoFilepathClean() {
        assertThat(IgnoreMatcher.clean("a//b/./c/..")).isEqualTo("a/b");
        assertThat(IgnoreMatcher.clean("/../x")).isEqualTo("/x");
        assertThat(IgnoreMatcher.clean("./")).isEqualTo(".");
    }
}
