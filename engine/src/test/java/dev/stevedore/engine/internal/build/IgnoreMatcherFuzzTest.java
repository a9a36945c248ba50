package dev.stevedore.engine.internal.build;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the {@code .dockerignore} matcher with a file's text and a context path: parsing gives rules or an
 * {@link IllegalArgumentException} that names the file; matching any path ends (no exception, no runaway regex).
 * And Docker's rules hold: a path written as a plain pattern excludes itself and everything below it, and a
 * {@code !} exception after it brings it back, the last matching line winning.
 *
 * <p>Runs over the seed corpus in {@code IgnoreMatcherFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see the engine's pom).
 */
class IgnoreMatcherFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parsesOrSaysWhyAndMatchesAsDockerDoes(FuzzedDataProvider data) {
        String path = data.consumeString(64);
        String text = data.consumeRemainingAsString();
        try {
            IgnoreMatcher.parse(text).excludes(path);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).startsWith(".dockerignore: ");
        }
        String plain = IgnoreMatcher.clean(path.replaceAll("[*?\\[\\]\\\\!#\\s]", "_"));
        if (plain.startsWith("/") || plain.equals(".") || plain.startsWith("..")) {
            return;
        }
        assertThat(IgnoreMatcher.parse(plain).excludes(plain)).as("%s excludes itself", plain).isTrue();
        assertThat(IgnoreMatcher.parse(plain).excludes(plain + "/below")).as("%s excludes what is below it", plain).isTrue();
        assertThat(IgnoreMatcher.parse(plain + "\n!" + plain).excludes(plain)).as("!%s brings it back", plain).isFalse();
        assertThat(IgnoreMatcher.parse("**\n!" + plain).excludes(plain)).as("** then !%s", plain).isFalse();
    }
}
