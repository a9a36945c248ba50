package dev.stevedore.engine.internal.image;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes what a registry or an archive hands the engine as JSON: image manifests, indexes (manifest lists) and
 * image configs, under each media type a registry may claim. Whatever the bytes, parsing ends with a document or
 * an {@link ImageFormatException} that says what is wrong; anything else (a NullPointerException, Jackson's own
 * exceptions, a hang) is a finding.
 *
 * <p>Runs over the seed corpus in {@code ImageDocumentsFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see the engine's pom).
 */
class ImageDocumentsFuzzTest {
    private static final String[] TYPES = {MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, "application/json", "", null};

    @FuzzTest(maxDuration = "30s")
    void parsesOrSaysWhatIsWrong(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 3);
        String contentType = data.pickValue(TYPES);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            switch (kind) {
                case 0 -> ImageManifest.parse(body, contentType).requireRunnable();
                case 1 -> ManifestList.parse(body, contentType);
                case 2 -> ManifestDocument.parse(body, contentType);
                default -> ImageConfigDocument.parse(body);
            }
        } catch (ImageFormatException expected) {
            // the one way a damaged document may end
        }
    }
}
