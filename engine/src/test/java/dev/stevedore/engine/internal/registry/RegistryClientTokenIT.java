package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RegistryClient} against the test bed's Bearer-token registry and its {@link TokenIssuer}. */
class RegistryClientTokenIT {
    static final Platform HOST = Platform.host();

    final Testbed bed = Testbed.get();
    final TokenIssuer issuer = TokenIssuer.ensureRunning(bed);
    @TempDir
    Path tmp;
    ContentStore store;

    @BeforeEach
    void createStore() {
        store = new ContentStore(tmp.resolve("store"));
    }

    EngineSettings settings() {
        return new EngineSettings(tmp.resolve("state"), List.of(), Set.of(), tmp.resolve("docker-config"), List.of(), HOST);
    }

    EngineSettings withTokenCredentials(String password) {
        bed.writeDockerConfig(tmp.resolve("docker-config"), Map.of(bed.tokenRegistry(), new String[] {bed.tokenUser(), password}));
        return settings();
    }

    ImageReference ref(String image) {
        return ImageReference.parse(bed.tokenRegistry() + "/" + image);
    }

    /** Resolves and fetches every blob; returns how many blobs were fetched. */
    static int pull(RegistryClient client, ContentStore store, ImageReference reference) {
        ResolvedImage image = client.resolve(reference, HOST);
        List<Descriptor> blobs = new ArrayList<>(image.manifest().layers());
        blobs.add(image.manifest().config());
        blobs.forEach(blob -> client.fetchBlob(image, blob, store, n -> { }));
        blobs.forEach(blob -> assertThat(store.hasBlob(blob.digest())).isTrue());
        return blobs.size();
    }

    /** Tokens this pull made the issuer sign: exactly, when this JVM's issuer serves; else other JVMs may add theirs. */
    void assertTokensIssued(int before, int expected, int blobs) {
        int issued = issuer.tokensIssued() - before;
        if (issuer.servesFromThisJvm()) {
            assertThat(issued).isEqualTo(expected);
        } else {
            assertThat(issued).isGreaterThanOrEqualTo(expected).isLessThan(expected + blobs);
        }
    }

    @Test
    void pullsPublicImagesWithAnonymousTokensOnePerRepository() {
        try (RegistryClient client = new RegistryClient(settings())) {
            for (String image : List.of("library/busybox:latest", "library/multiarch:latest")) {
                int before = issuer.tokensIssued();

                int blobs = pull(client, store, ref(image));

                assertTokensIssued(before, 1, blobs);
            }
        }
    }

    @Test
    void pullsEveryImageWithCredentialsFromDockerConfig() {
        try (RegistryClient client = new RegistryClient(withTokenCredentials(bed.tokenPassword()))) {
            for (String image : bed.images()) {
                assertThat(pull(client, store, ref(image))).as(image).isPositive();
            }
        }
    }

    @Test
    void tokenIsReusedForEveryBlobAndManifestUntilItExpires() {
        MutableClock clock = new MutableClock(Instant.now());
        EngineSettings settings = withTokenCredentials(bed.tokenPassword());
        try (RegistryClient client = new RegistryClient(settings, new DockerCredentials(settings.dockerConfigDirectory()),
                RetryPolicy.DEFAULT, clock)) {
            int before = issuer.tokensIssued();
            int blobs = pull(client, store, ref("library/layered:latest"));
            pull(client, new ContentStore(tmp.resolve("second")), ref("library/layered:latest"));
            assertTokensIssued(before, 1, 2 * blobs);

            clock.advance(TokenIssuer.TOKEN_LIFETIME.plusSeconds(1));
            int beforeExpiry = issuer.tokensIssued();
            pull(client, new ContentStore(tmp.resolve("third")), ref("library/layered:latest"));
            assertTokensIssued(beforeExpiry, 1, blobs);
        }
    }

    @Test
    void privateImageWithoutCredentialsNamesTheRegistryAndHowToLogIn() {
        ImageReference reference = ref("library/layered:latest");
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(reference, HOST))
                    .isInstanceOfSatisfying(RegistryAuthenticationException.class, e -> {
                        assertThat(e.registry()).isEqualTo(bed.tokenRegistry());
                        assertThat(e.reference()).isEqualTo(reference);
                        assertThat(e.status()).isEqualTo(401);
                    })
                    .hasMessageStartingWith("pull of " + reference + " from " + bed.tokenRegistry() + " failed: 401 Unauthorized")
                    .hasMessageContaining("log in with 'docker login " + bed.tokenRegistry() + "'");
        }
    }

    @Test
    void wrongPasswordIsRefusedByTheTokenServer() {
        try (RegistryClient client = new RegistryClient(withTokenCredentials("not-the-password"))) {
            assertThatThrownBy(() -> client.resolve(ref("library/layered:latest"), HOST))
                    .isInstanceOfSatisfying(RegistryAuthenticationException.class, e -> assertThat(e.status()).isEqualTo(401))
                    .hasMessageContaining("the token server " + bed.tokenRealm() + " answered 401")
                    .hasMessageContaining("check the credentials from " + tmp.resolve("docker-config").resolve("config.json"));
        }
    }

    @Test
    void refusedRegistryTokenIsTriedOnceMoreThenReported() throws Exception {
        String expired = issuer.sign(bed.tokenUser(), bed.tokenService(), Map.of("library/busybox", List.of("pull")),
                Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(5));
        java.nio.file.Files.createDirectories(tmp.resolve("docker-config"));
        java.nio.file.Files.writeString(tmp.resolve("docker-config").resolve("config.json"),
                "{\"auths\": {\"" + bed.tokenRegistry() + "\": {\"registrytoken\": \"" + expired + "\"}}}");
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(ref("library/busybox:latest"), HOST))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("401 Unauthorized with the credentials from " + tmp.resolve("docker-config").resolve("config.json"));
        }
    }

    /** A clock tests move forward, to expire cached tokens without waiting. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
