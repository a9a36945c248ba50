package dev.stevedore.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link ImageReference#parse}: any string parses or is refused with an
 * {@link InvalidImageReferenceException}; one that parses prints as a reference that parses to the same one.
 *
 * <p>Runs over the seed corpus in {@code ImageReferenceFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see the engine's pom).
 */
class ImageReferenceFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parsesOrRefusesAndRoundTrips(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        ImageReference reference;
        try {
            reference = ImageReference.parse(input);
        } catch (InvalidImageReferenceException refused) {
            return;
        }
        assertThat(ImageReference.parse(reference.toString())).isEqualTo(reference);
    }
}
