package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PullStreamTest {
    private static final ImageReference BUSYBOX = ImageReference.parse("127.0.0.1:5000/library/busybox:latest");
    private static final String DAEMON = "unix:///run/docker.sock";

    /** What dockerd 20.10 sent for a pull of the test bed's busybox, shortened. */
    private static final String RECORDED = String.join("\r\n",
            "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}",
            "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Already exists\",\"progressDetail\":{},\"id\":\"0123456789ab\"}",
            "{\"status\":\"Waiting\",\"progressDetail\":{},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":36412,\"total\":1035075},"
                    + "\"progress\":\"[=\\u003e    ]  36.41kB/1.035MB\",\"id\":\"65564720dc44\"}",
            "{\"status\":\"Verifying Checksum\",\"progressDetail\":{},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Download complete\",\"progressDetail\":{},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":32768,\"total\":1035075},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":1035075,\"total\":1035075},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"65564720dc44\"}",
            "{\"status\":\"Digest: sha256:29dbb8da7366295f00682f52d9c78fb6515b8f2bb83b57328c5f6c624481311c\"}",
            "{\"status\":\"Status: Downloaded newer image for 127.0.0.1:5000/library/busybox:latest\"}", "");

    @Test
    void mapsEveryPhaseDockerReports() throws IOException {
        List<PullProgress> events = new ArrayList<>();
        PullStream stream = new PullStream(BUSYBOX, events::add, DAEMON);

        stream.read(new ByteArrayInputStream(RECORDED.getBytes(StandardCharsets.UTF_8)));

        assertThat(events).containsExactly(
                new PullProgress(BUSYBOX, null, Phase.RESOLVED, 0, 0),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.WAITING, 0, 0),
                new PullProgress(BUSYBOX, "0123456789ab", Phase.ALREADY_EXISTS, 0, 0),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.WAITING, 0, 0),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.DOWNLOADING, 36412, 1035075),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.DOWNLOAD_COMPLETE, 0, 0),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.EXTRACTING, 32768, 1035075),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.EXTRACTING, 1035075, 1035075),
                new PullProgress(BUSYBOX, "65564720dc44", Phase.PULL_COMPLETE, 0, 0));
        assertThat(stream.manifestDigest()).isEqualTo("sha256:29dbb8da7366295f00682f52d9c78fb6515b8f2bb83b57328c5f6c624481311c");
        assertThat(stream.lastStatus()).isEqualTo("Status: Downloaded newer image for 127.0.0.1:5000/library/busybox:latest");
    }

    @Test
    void reportsEachEventAsItArrivesNotWhenTheStreamEnds() throws Exception {
        List<PullProgress> events = Collections.synchronizedList(new ArrayList<>());
        PullStream stream = new PullStream(BUSYBOX, events::add, DAEMON);
        PipedOutputStream daemon = new PipedOutputStream();
        InputStream body = new PipedInputStream(daemon);
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            try {
                stream.read(body);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });

        daemon.write("{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"65564720dc44\"}\r\n".getBytes(StandardCharsets.UTF_8));
        daemon.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        daemon.write("{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"65564720dc44\"}\r\n".getBytes(StandardCharsets.UTF_8));
        daemon.close();
        reading.get();

        assertThat(events).extracting(PullProgress::phase).containsExactly(Phase.WAITING, Phase.PULL_COMPLETE);
    }

    @Test
    void aListenerThatThrowsDoesNotBreakThePull() throws IOException {
        PullStream stream = new PullStream(BUSYBOX, event -> {
            throw new IllegalStateException("listener bug");
        }, DAEMON);

        stream.read(new ByteArrayInputStream(RECORDED.getBytes(StandardCharsets.UTF_8)));

        assertThat(stream.manifestDigest()).startsWith("sha256:");
    }

    @Test
    void anErrorInTheStreamEndsThePullWithTheMatchingException() {
        PullStream stream = new PullStream(BUSYBOX, event -> { }, DAEMON);
        String error = "{\"status\":\"Pulling from library/multiarch\",\"id\":\"latest\"}\r\n"
                + "{\"errorDetail\":{\"message\":\"no matching manifest for linux/s390x in the manifest list entries\"},"
                + "\"error\":\"no matching manifest for linux/s390x in the manifest list entries\"}\r\n";

        assertThatThrownBy(() -> stream.read(new ByteArrayInputStream(error.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("Pull of " + BUSYBOX + " through the Docker daemon at " + DAEMON)
                .hasMessageContaining("linux/s390x");
    }

    @Test
    void anErrorWithOnlyTheOldErrorFieldCountsToo() {
        PullStream stream = new PullStream(BUSYBOX, event -> { }, DAEMON);
        String error = "{\"error\":\"unexpected EOF\"}";

        assertThatThrownBy(() -> stream.read(new ByteArrayInputStream(error.getBytes(StandardCharsets.UTF_8))))
                .isExactlyInstanceOf(RegistryException.class)
                .hasMessageEndingWith("unexpected EOF");
    }

    @Test
    void missingManifestIsImageNotFound() {
        RegistryException e = PullStream.failure(BUSYBOX,
                "manifest for 127.0.0.1:5000/library/busybox:nope not found: manifest unknown: manifest unknown", 404, DAEMON);

        assertThat(e).isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("image " + BUSYBOX + " not found")
                .hasMessageContaining("check the name and tag");
        assertThat(e.reference()).isEqualTo(BUSYBOX);
        assertThat(e.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(e.status()).isEqualTo(404);
    }

    @Test
    void deniedAccessIsAnAuthenticationProblemThatMayAlsoBeATypo() {
        RegistryException e = PullStream.failure(BUSYBOX, "pull access denied for 127.0.0.1:5000/library/busybox,"
                + " repository does not exist or may require 'docker login': denied: requested access to the resource is denied", 0, DAEMON);

        assertThat(e).isInstanceOf(RegistryAuthenticationException.class)
                .hasMessageContaining("may not exist")
                .hasMessageContaining("docker login 127.0.0.1:5000");
        assertThat(e.status()).isEqualTo(401);
    }

    @Test
    void unauthorizedStatusOrWordsAreAnAuthenticationProblem() {
        assertThat(PullStream.failure(BUSYBOX, "Head \"https://x/v2/a/manifests/b\": unauthorized: authentication required", 500, DAEMON))
                .isInstanceOf(RegistryAuthenticationException.class);
        assertThat(PullStream.failure(BUSYBOX, "", 401, DAEMON)).isInstanceOf(RegistryAuthenticationException.class);
        assertThat(PullStream.failure(BUSYBOX, "forbidden", 403, DAEMON).status()).isEqualTo(403);
    }

    @Test
    void anythingElseIsARegistryFailureQuotingTheDaemon() {
        RegistryException e = PullStream.failure(BUSYBOX, "Get \"http://127.0.0.1:5003/token\": dial tcp: connection refused", 500, DAEMON);

        assertThat(e).isExactlyInstanceOf(RegistryException.class)
                .hasMessageContaining("dial tcp: connection refused");
        assertThat(e.status()).isEqualTo(500);
    }
}
