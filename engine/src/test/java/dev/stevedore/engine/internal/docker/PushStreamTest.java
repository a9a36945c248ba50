package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.PushProgress.Phase;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushStreamTest {
    private static final ImageReference PUSHED = ImageReference.parse("127.0.0.1:5000/record-8561/busybox:v1");
    private static final String DAEMON = "unix:///run/docker.sock";
    private static final String DIGEST = "sha256:455415a419ba91ad307e6ab1d5ead4f33eb6eaecc2dc3870ca3e855b11e6ee3d";

    /** What dockerd 20.10 sent for a push of the test bed's busybox to a new repository, with upload lines added. */
    private static final String RECORDED = String.join("\n",
            "{\"status\":\"The push refers to repository [127.0.0.1:5000/record-8561/busybox]\"}",
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"5d3d87c190ef\"}",
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"0123456789ab\"}",
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"ba9876543210\"}",
            "{\"status\":\"Mounted from contract-9da41b3b/image\",\"progressDetail\":{},\"id\":\"5d3d87c190ef\"}",
            "{\"status\":\"Layer already exists\",\"progressDetail\":{},\"id\":\"0123456789ab\"}",
            "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":2048},\"progress\":\"[==>  ]\",\"id\":\"ba9876543210\"}",
            "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"ba9876543210\"}",
            "{\"status\":\"v1: digest: " + DIGEST + " size: 527\"}",
            "{\"progressDetail\":{},\"aux\":{\"Tag\":\"v1\",\"Digest\":\"" + DIGEST + "\",\"Size\":527}}", "");

    @Test
    void mapsEveryPhaseDockerReportsAndTakesTheDigestFromAux() throws IOException {
        List<PushProgress> events = new ArrayList<>();
        PushStream stream = new PushStream(PUSHED, events::add, DAEMON);

        stream.read(new ByteArrayInputStream(RECORDED.getBytes(StandardCharsets.UTF_8)));

        assertThat(events).containsExactly(
                new PushProgress(PUSHED, "5d3d87c190ef", Phase.PREPARING, 0, 0),
                new PushProgress(PUSHED, "0123456789ab", Phase.PREPARING, 0, 0),
                new PushProgress(PUSHED, "ba9876543210", Phase.PREPARING, 0, 0),
                new PushProgress(PUSHED, "5d3d87c190ef", Phase.MOUNTED, 0, 0),
                new PushProgress(PUSHED, "0123456789ab", Phase.ALREADY_EXISTS, 0, 0),
                new PushProgress(PUSHED, "ba9876543210", Phase.PUSHING, 512, 2048),
                new PushProgress(PUSHED, "ba9876543210", Phase.PUSHED, 0, 0));
        assertThat(stream.digest()).isEqualTo(DIGEST);
        assertThat(stream.size()).isEqualTo(527);
    }

    @Test
    void missingLocalImageInTheStreamIsImageNotFound() {
        PushStream stream = new PushStream(PUSHED, event -> { }, DAEMON);
        String line = "{\"errorDetail\":{\"message\":\"An image does not exist locally with the tag: 127.0.0.1:5000/record-8561/busybox\"},"
                + "\"error\":\"An image does not exist locally with the tag: 127.0.0.1:5000/record-8561/busybox\"}";

        assertThatThrownBy(() -> stream.read(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("Push of " + PUSHED)
                .hasMessageContaining(DAEMON);
    }

    @Test
    void refusedCredentialsAreAnAuthenticationFailureAndOtherErrorsARegistryFailure() {
        assertThat(PushStream.failure(PUSHED, "unauthorized: authentication required", 0, DAEMON))
                .isInstanceOf(RegistryAuthenticationException.class).hasMessageContaining("docker login 127.0.0.1:5000");
        assertThat(PushStream.failure(PUSHED, "denied: requested access to the resource is denied", 0, DAEMON))
                .isInstanceOf(RegistryAuthenticationException.class);
        assertThat(PushStream.failure(PUSHED, "received unexpected HTTP status: 500 Internal Server Error", 0, DAEMON))
                .isExactlyInstanceOf(RegistryException.class).hasMessageContaining("500");
    }

    @Test
    void aThrowingListenerDoesNotBreakThePush() throws IOException {
        PushStream stream = new PushStream(PUSHED, event -> {
            throw new IllegalStateException("listener bug");
        }, DAEMON);

        stream.read(new ByteArrayInputStream(RECORDED.getBytes(StandardCharsets.UTF_8)));

        assertThat(stream.digest()).isEqualTo(DIGEST);
    }
}
