package dev.stevedore.engine.internal.docker;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stevedore.engine.ContainerEngineException;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the reader of dockerd's multiplexed output streams ({@link StreamFrames}): whatever the bytes, reading
 * ends, never hands out more bytes than came in, and fails only with an {@link IOException} (a damaged stream) or
 * a {@link ContainerEngineException} (an error frame from the daemon).
 *
 * <p>Runs over the seed corpus in {@code StreamFramesFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see the engine's pom).
 */
class StreamFramesFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readsFramesOrSaysTheStreamIsDamaged(FuzzedDataProvider data) {
        byte[] stream = data.consumeRemainingAsBytes();
        StreamFrames frames = new StreamFrames(new ByteArrayInputStream(stream));
        long payload = 0;
        try {
            for (StreamFrames.Frame frame = frames.next(); frame != null; frame = frames.next()) {
                payload += frame.payload().length;
            }
        } catch (IOException | ContainerEngineException damaged) {
            return;
        }
        assertThat(payload).isLessThanOrEqualTo(stream.length);
    }
}
