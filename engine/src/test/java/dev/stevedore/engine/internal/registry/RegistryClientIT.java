package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.ImageConfigDocument;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RegistryClient} against the test bed's real registries (distribution): plain, TLS + Basic, mirrors. */
class RegistryClientIT {
    static final Platform HOST = Platform.host();

    final Testbed bed = Testbed.get();
    @TempDir
    Path tmp;
    ContentStore store;

    @BeforeEach
    void createStore() {
        store = new ContentStore(tmp.resolve("store"));
    }

    EngineSettings settings() {
        return new EngineSettings(tmp.resolve("state"), List.of(), Set.of(), tmp.resolve("docker-config"),
                List.of(bed.certsDirectory()), HOST);
    }

    EngineSettings withTlsCredentials() {
        bed.writeDockerConfig(tmp.resolve("docker-config"), Map.of(bed.tlsRegistry(), new String[] {bed.tlsUser(), bed.tlsPassword()}));
        return settings();
    }

    static ImageReference ref(String registry, String image) {
        return ImageReference.parse(registry + "/" + image);
    }

    /** Resolves and fetches config and layers; checks every stored blob against its digest. */
    ResolvedImage pull(RegistryClient client, ImageReference reference, Platform platform) throws IOException {
        ResolvedImage image = client.resolve(reference, platform);
        assertThat(Digest.of(image.manifestBytes())).isEqualTo(image.manifestDigest());
        if (image.indexDigest() != null) {
            assertThat(Digest.of(image.indexBytes())).isEqualTo(image.indexDigest());
        }
        List<Descriptor> blobs = new ArrayList<>(image.manifest().layers());
        blobs.add(image.manifest().config());
        for (Descriptor blob : blobs) {
            AtomicLong lastProgress = new AtomicLong(-1);
            client.fetchBlob(image, blob, store, lastProgress::set);
            assertThat(Digest.of(store.readBlob(blob.digest()))).isEqualTo(blob.digest());
            assertThat(lastProgress.get()).isIn(-1L, blob.size());
        }
        return image;
    }

    ImageConfigDocument config(ResolvedImage image) throws IOException {
        return ImageConfigDocument.parse(store.readBlob(image.manifest().config().digest()));
    }

    @Test
    void pullsEveryImageFromThePlainRegistry() throws IOException {
        try (RegistryClient client = new RegistryClient(settings())) {
            for (String image : bed.images()) {
                ResolvedImage resolved = pull(client, ref(bed.plainRegistry(), image), HOST);

                assertThat(resolved.registryUsed()).isEqualTo(bed.plainRegistry());
                assertThat(config(resolved).diffIds()).as(image).hasSameSizeAs(resolved.manifest().layers());
                assertThat(dev.stevedore.engine.internal.image.PlatformMatcher.compatible(HOST, config(resolved).platform())).as(image).isTrue();
            }
        }
    }

    @Test
    void pullsEveryImageFromTheTlsRegistryWithCredentialsFromDockerConfig() throws IOException {
        try (RegistryClient client = new RegistryClient(withTlsCredentials())) {
            for (String image : bed.images()) {
                assertThat(pull(client, ref(bed.tlsRegistry(), image), HOST).registryUsed()).isEqualTo(bed.tlsRegistry());
            }
        }
    }

    @Test
    void tlsRegistryWithoutCredentialsNamesTheRegistryAndHowToLogIn() {
        ImageReference reference = ref(bed.tlsRegistry(), "library/busybox:latest");
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(reference, HOST))
                    .isInstanceOfSatisfying(RegistryAuthenticationException.class, e -> {
                        assertThat(e.registry()).isEqualTo(bed.tlsRegistry());
                        assertThat(e.reference()).isEqualTo(reference);
                        assertThat(e.status()).isEqualTo(401);
                    })
                    .hasMessageStartingWith("pull of " + reference + " from " + bed.tlsRegistry() + " failed: 401 Unauthorized")
                    .hasMessageContaining("docker login " + bed.tlsRegistry())
                    .hasMessageContaining(tmp.resolve("docker-config").resolve("config.json").toString());
        }
    }

    @Test
    void tlsRegistryWithWrongCredentialsSaysTheyWereRefused() {
        bed.writeDockerConfig(tmp.resolve("docker-config"), Map.of(bed.tlsRegistry(), new String[] {bed.tlsUser(), "wrong"}));
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(ref(bed.tlsRegistry(), "library/busybox:latest"), HOST))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("with the credentials of " + bed.tlsUser())
                    .hasMessageContaining("log in again with 'docker login " + bed.tlsRegistry() + "'");
        }
    }

    @Test
    void tlsRegistryWithoutItsCaSaysTheCertificateIsNotTrustedAndWhereToPutIt() {
        Path certs = tmp.resolve("empty-certs.d");
        try (RegistryClient client = new RegistryClient(withTlsCredentials().withCertificateDirectories(List.of(certs)))) {
            assertThatThrownBy(() -> client.resolve(ref(bed.tlsRegistry(), "library/busybox:latest"), HOST))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isZero())
                    .hasMessageContaining("the TLS certificate of " + bed.tlsRegistry() + " is not trusted")
                    .hasMessageContaining(certs.resolve(bed.tlsRegistry()).resolve("ca.crt").toString());
        }
    }

    @Test
    void missingTagOrRepositoryIsImageNotFoundNamingReferenceAndRegistry() {
        try (RegistryClient client = new RegistryClient(settings())) {
            for (String image : List.of("library/busybox:no-such-tag", "library/no-such-image:latest")) {
                ImageReference reference = ref(bed.plainRegistry(), image);
                assertThatThrownBy(() -> client.resolve(reference, HOST))
                        .isInstanceOfSatisfying(ImageNotFoundException.class, e -> {
                            assertThat(e.status()).isEqualTo(404);
                            assertThat(e.registry()).isEqualTo(bed.plainRegistry());
                        })
                        .hasMessageStartingWith("pull of " + reference + " from " + bed.plainRegistry() + " failed: ")
                        .hasMessageContaining("404");
            }
        }
    }

    @Test
    void missingDigestIsImageNotFound() {
        ImageReference reference = ref(bed.plainRegistry(), "library/busybox@sha256:" + "0".repeat(64));
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(reference, HOST))
                    .isInstanceOf(ImageNotFoundException.class)
                    .hasMessageContaining("has no manifest sha256:" + "0".repeat(64));
        }
    }

    @Test
    void resolvingByDigestGivesTheSameManifest() throws IOException {
        try (RegistryClient client = new RegistryClient(settings())) {
            ResolvedImage byTag = client.resolve(ref(bed.plainRegistry(), "library/busybox:latest"), HOST);
            ResolvedImage byDigest = client.resolve(ref(bed.plainRegistry(), "library/busybox@" + byTag.topDigest()), HOST);

            assertThat(byDigest.manifestDigest()).isEqualTo(byTag.manifestDigest());
        }
    }

    @Test
    void multiPlatformIndexPicksTheHostsPlatformAndArm64WhenAsked() throws IOException {
        try (RegistryClient client = new RegistryClient(settings())) {
            for (String image : List.of("library/multiarch:latest", "library/multiarch-docker:latest")) {
                ResolvedImage amd64 = pull(client, ref(bed.plainRegistry(), image), Platform.parse("linux/amd64"));
                ResolvedImage arm64 = pull(client, ref(bed.plainRegistry(), image), Platform.parse("linux/arm64"));

                assertThat(amd64.indexDigest()).as(image).isNotNull().isEqualTo(arm64.indexDigest());
                assertThat(MediaTypes.INDEXES).contains(amd64.indexMediaType());
                assertThat(amd64.manifestDigest()).isNotEqualTo(arm64.manifestDigest());
                assertThat(config(amd64).platform().architecture()).isEqualTo("amd64");
                assertThat(config(arm64).platform().architecture()).isEqualTo("arm64");
                assertThat(platformFile(amd64)).as("/platform in " + image + " for amd64").isEqualTo("amd64");
                assertThat(platformFile(arm64)).as("/platform in " + image + " for arm64").isEqualTo("arm64");
                ResolvedImage onThisHost = client.resolve(ref(bed.plainRegistry(), image), HOST);
                assertThat(onThisHost.manifestDigest()).isEqualTo(HOST.architecture().equals("arm64")
                        ? arm64.manifestDigest() : amd64.manifestDigest());
            }
        }
    }

    @Test
    void platformTheIndexLacksIsImageNotFoundListingWhatItOffers() {
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(ref(bed.plainRegistry(), "library/multiarch:latest"), Platform.parse("linux/s390x")))
                    .isInstanceOf(ImageNotFoundException.class)
                    .hasMessageContaining("the image has no variant for linux/s390x; it offers ")
                    .hasMessageContaining("linux/amd64")
                    .hasMessageContaining("linux/arm64");
        }
    }

    @Test
    void blobCorruptedOnTheWireIsNotStored() throws IOException {
        try (RegistryClient client = new RegistryClient(settings())) {
            ResolvedImage image = pull(client, ref(bed.plainRegistry(), "library/busybox:latest"), HOST);
            Descriptor layer = image.manifest().layers().get(0);
            byte[] content = store.readBlob(layer.digest());
            byte[] marker = Arrays.copyOfRange(content, content.length / 2, content.length / 2 + 32);
            String[] hostPort = bed.plainRegistry().split(":");
            ContentStore fresh = new ContentStore(tmp.resolve("fresh"));

            try (CorruptingProxy proxy = new CorruptingProxy(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), marker)) {
                ResolvedImage viaProxy = client.resolve(ref(proxy.registry(), "library/busybox:latest"), HOST);
                assertThat(viaProxy.manifestDigest()).isEqualTo(image.manifestDigest());

                assertThatThrownBy(() -> client.fetchBlob(viaProxy, layer, fresh, n -> { }))
                        .isInstanceOfSatisfying(ContentVerificationException.class,
                                e -> assertThat(e.expectedDigest()).isEqualTo(layer.digest().toString()))
                        .hasMessageContaining("arrived corrupted twice");
                assertThat(proxy.flips()).as("one retry, then the error").isEqualTo(2);
                assertThat(fresh.hasBlob(layer.digest())).isFalse();
                try (var ingest = java.nio.file.Files.list(fresh.root().resolve("ingest"))) {
                    assertThat(ingest).as("no partial download left behind").isEmpty();
                }
                client.fetchBlob(viaProxy, image.manifest().config(), fresh, n -> { });
                assertThat(fresh.hasBlob(image.manifest().config().digest())).as("other blobs pass the proxy intact").isTrue();
            }
        }
    }

    @Test
    void dockerHubReferenceResolvesFromTheMirror() throws IOException {
        try (RegistryClient client = new RegistryClient(settings().withRegistryMirrors(List.of(bed.plainRegistry())))) {
            ResolvedImage image = pull(client, ImageReference.parse("docker.io/library/busybox:latest"), HOST);

            assertThat(image.registryUsed()).isEqualTo(bed.plainRegistry());
            assertThat(image.requested()).hasToString("docker.io/library/busybox:latest");
        }
    }

    @Test
    void aMirrorThatFailsFallsThroughToTheNext() throws IOException {
        String dead = deadLoopbackAddress();
        try (RegistryClient client = new RegistryClient(settings().withRegistryMirrors(List.of(dead, bed.plainRegistry())))) {
            assertThat(client.resolve(ImageReference.parse("busybox"), HOST).registryUsed()).isEqualTo(bed.plainRegistry());
        }
    }

    @Test
    void unreachableRegistryNamesTheUrlTried() throws IOException {
        String dead = deadLoopbackAddress();
        try (RegistryClient client = new RegistryClient(settings())) {
            assertThatThrownBy(() -> client.resolve(ref(dead, "library/busybox"), HOST))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isZero())
                    .hasMessageContaining("cannot connect to https://" + dead + "/v2/");
        }
    }

    @Test
    void concurrentBlobFetchesShareTheClient() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try (RegistryClient client = new RegistryClient(withTlsCredentials())) {
            ResolvedImage image = client.resolve(ref(bed.tlsRegistry(), "library/layered:latest"), HOST);
            List<Future<?>> fetches = new ArrayList<>();
            for (Descriptor layer : image.manifest().layers()) {
                fetches.add(executor.submit(() -> client.fetchBlob(image, layer, store, n -> { })));
            }
            for (Future<?> fetch : fetches) {
                fetch.get();
            }
            assertThat(image.manifest().layers()).allSatisfy(layer -> assertThat(store.hasBlob(layer.digest())).isTrue());
        } finally {
            executor.shutdownNow();
        }
    }

    /** The content of {@code /platform} in the image's top layer (the test bed's multiarch images carry one). */
    String platformFile(ResolvedImage image) throws IOException {
        Descriptor top = image.manifest().layers().get(image.manifest().layers().size() - 1);
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(store.openBlob(top.digest())))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().replaceFirst("^\\./", "").equals("platform")) {
                    return new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                }
            }
        }
        throw new AssertionError("no /platform in the top layer " + top.digest() + " of " + image.requested());
    }

    /** A loopback port nothing listens on (bound, then released). */
    static String deadLoopbackAddress() throws IOException {
        // below the ephemeral range: no outgoing connection can take it and listen by chance
        return "127.0.0.1:" + dev.stevedore.engine.testbed.Ports.freeLoopbackPort();
    }
}
