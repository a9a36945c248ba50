package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Docker backend against the test bed's real dockerd ({@code testbed/dockerd up}, Debian's docker.io)
 * pulling from the test bed's registries. Fails, never skips, when the test bed or its dockerd is not up.
 * The daemon is shared with other tests, so each test works on its own references where it can.
 */
class DockerEngineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient HTTP = new OkHttpClient();

    private static Testbed testbed;
    private static Path socket;
    private static DockerEngine engine;
    @TempDir
    static Path dockerConfig;

    @BeforeAll
    static void connect() {
        testbed = Testbed.get();
        socket = testbed.dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up` (testbed.env has no DOCKER_SOCKET)"));
        engine = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), settings(dockerConfig));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static EngineSettings settings(Path dockerConfigDirectory) {
        return EngineSettings.fromEnvironment().withDockerConfigDirectory(dockerConfigDirectory);
    }

    private static ImageReference busybox() {
        return ImageReference.parse(testbed.plainRegistry() + "/library/busybox:latest");
    }

    @Test
    void negotiatesTheVersionTheDaemonAnnouncesOnPing() throws IOException {
        String announced;
        try (DockerHttp http = DockerHttp.open(DockerEndpoint.unix(socket, "test"));
             Response ping = http.client().newCall(new Request.Builder().url(http.url("/_ping").build()).build()).execute()) {
            announced = ping.header("Api-Version");
        }

        assertThat(engine.apiVersion()).isEqualTo(ApiVersion.negotiate(ApiVersion.parse(announced)));
        assertThat(engine.apiVersion().atLeast(ApiVersion.MINIMUM)).isTrue();
        assertThat(engine.server()).startsWith("Docker/");
        // a versioned call works, so the prefix is one the daemon accepts
        assertThat(engine.api().call("GET", "/version").json().path("ApiVersion").asText()).isEqualTo(announced);
    }

    @Test
    void pullDownloadsAnImageTheDaemonHasNeverSeenWithProgressForItsLayer() throws Exception {
        String repository = "stevedore-it/pull-" + UUID.randomUUID().toString().substring(0, 8);
        RegistryPush.Pushed pushed = RegistryPush.randomImage(testbed.plainRegistry(), repository, "v1", 3 << 20);
        ImageReference reference = ImageReference.parse(testbed.plainRegistry() + "/" + repository + ":v1");
        List<PullProgress> events = Collections.synchronizedList(new ArrayList<>());

        Image image = engine.pull(reference, PullOptions.defaults().withListener(events::add));

        try {
            assertThat(image.id()).isEqualTo(pushed.configDigest());
            assertThat(image.manifestDigest()).isEqualTo(pushed.manifestDigest());
            assertThat(image.references()).containsExactly(reference);
            assertThat(events.get(0).phase()).isEqualTo(Phase.RESOLVED);
            assertThat(events.get(events.size() - 1))
                    .isEqualTo(new PullProgress(reference, pushed.manifestDigest(), Phase.COMPLETE, 0, 0));
            String shortId = pushed.layerDigest().substring("sha256:".length(), "sha256:".length() + 12);
            List<PullProgress> ofLayer = events.stream().filter(e -> shortId.equals(e.digest())).toList();
            assertThat(ofLayer).extracting(PullProgress::phase)
                    .startsWith(Phase.WAITING)
                    .containsSubsequence(Phase.DOWNLOADING, Phase.DOWNLOAD_COMPLETE, Phase.EXTRACTING, Phase.PULL_COMPLETE)
                    .endsWith(Phase.PULL_COMPLETE);
            assertThat(ofLayer).filteredOn(e -> e.phase() == Phase.DOWNLOADING).isNotEmpty().allSatisfy(e -> {
                assertThat(e.total()).isEqualTo(pushed.layerSize());
                assertThat(e.current()).isBetween(1L, pushed.layerSize());
            });
            assertThat(ofLayer).filteredOn(e -> e.phase() == Phase.DOWNLOADING).extracting(PullProgress::current).isSorted();
        } finally {
            engine.removeImage(reference);
        }
    }

    @Test
    void pullOfTheTestBedsBusyboxReportsEveryLayer() throws Exception {
        ImageReference reference = busybox();
        Registry.Manifest manifest = Registry.manifest(testbed.plainRegistry(), "library/busybox", "latest");
        List<PullProgress> events = Collections.synchronizedList(new ArrayList<>());

        Image image = engine.pull(reference, PullOptions.defaults().withListener(events::add));

        assertThat(image.id()).isEqualTo(manifest.configDigest());
        assertThat(image.manifestDigest()).isEqualTo(manifest.digest());
        assertThat(image.references()).contains(reference);
        assertThat(events.get(events.size() - 1)).isEqualTo(new PullProgress(reference, manifest.digest(), Phase.COMPLETE, 0, 0));
        boolean layersReported = events.stream().anyMatch(e -> e.digest() != null && e.phase() != Phase.COMPLETE);
        if (layersReported) {
            // the daemon did not have this image's manifest yet: every layer shows up, downloaded or already there
            for (Registry.Layer layer : manifest.layers()) {
                String shortId = layer.digest().substring("sha256:".length(), "sha256:".length() + 12);
                assertThat(events).filteredOn(e -> shortId.equals(e.digest())).extracting(PullProgress::phase)
                        .as("events of layer %s", shortId)
                        .containsAnyOf(Phase.ALREADY_EXISTS, Phase.PULL_COMPLETE);
            }
        }
    }

    @Test
    void pullOfAnImageThatIsThereDownloadsNothing() {
        Image first = engine.pull(busybox(), PullOptions.defaults());
        List<PullProgress> events = Collections.synchronizedList(new ArrayList<>());

        Image again = engine.pull(busybox(), PullOptions.defaults().withListener(events::add));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(events).extracting(PullProgress::phase).doesNotContain(Phase.DOWNLOADING, Phase.EXTRACTING)
                .endsWith(Phase.COMPLETE);
    }

    @Test
    void imageMatchesTheConfigTheRegistryServes() throws Exception {
        ImageReference reference = busybox();
        engine.pull(reference, PullOptions.defaults());
        Registry.Manifest manifest = Registry.manifest(testbed.plainRegistry(), "library/busybox", "latest");
        JsonNode config = Registry.blob(testbed.plainRegistry(), "library/busybox", manifest.configDigest());

        Image image = engine.image(reference).orElseThrow();

        assertThat(image.id()).isEqualTo(manifest.configDigest());
        assertThat(image.platform()).isEqualTo(new Platform(config.path("os").asText(), config.path("architecture").asText(), ""));
        assertThat(image.layers()).containsExactlyElementsOf(strings(config.path("rootfs").path("diff_ids")));
        assertThat(image.config().cmd()).containsExactlyElementsOf(strings(config.path("config").path("Cmd")));
        assertThat(image.config().env()).containsExactlyElementsOf(strings(config.path("config").path("Env")));
        assertThat(image.config().healthcheck()).isNull();
        assertThat(image.created()).isEqualTo(java.time.Instant.parse(config.path("created").asText()));
    }

    @Test
    void imageOfAnUnknownReferenceIsEmpty() {
        assertThat(engine.image(ImageReference.parse("stevedore-it/never-pulled:" + UUID.randomUUID()))).isEmpty();
    }

    @Test
    void imagesListsWhatWasPulled() {
        Image pulled = engine.pull(busybox(), PullOptions.defaults());

        assertThat(engine.images())
                .anySatisfy(image -> {
                    assertThat(image.id()).isEqualTo(pulled.id());
                    assertThat(image.references()).contains(busybox());
                    assertThat(image.config()).isEqualTo(pulled.config());
                });
    }

    @Test
    void removeImageRemovesTheReferenceAndThenKnowsItNoMore() throws IOException {
        Image pulled = engine.pull(busybox(), PullOptions.defaults());
        ImageReference own = ImageReference.parse("stevedore-it/remove:" + UUID.randomUUID().toString().substring(0, 8));
        engine.api().call("POST", "/images/" + pulled.id() + "/tag").query("repo", own.name()).query("tag", own.tag()).discard();
        assertThat(engine.image(own)).isPresent();

        engine.removeImage(own);

        assertThat(engine.image(own)).isEmpty();
        assertThat(engine.image(busybox())).as("the other reference to the same image stays").isPresent();
        assertThatThrownBy(() -> engine.removeImage(own))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining(own.toString())
                .satisfies(e -> assertThat(((ImageNotFoundException) e).reference()).isEqualTo(own));
    }

    @Test
    void loadsADockerSaveArchive() throws IOException {
        Path archive = testbed.busyboxDockerArchive();
        JsonNode saved = JSON.readTree(readEntry(archive, "manifest.json")).get(0);
        String expectedId = "sha256:" + saved.path("Config").asText().replace(".json", "");

        List<Image> loaded = engine.load(archive);

        assertThat(loaded).singleElement().satisfies(image -> {
            assertThat(image.id()).isEqualTo(expectedId);
            assertThat(image.references()).contains(ImageReference.parse(saved.path("RepoTags").get(0).asText()));
        });
    }

    @Test
    void loadsAnOciLayoutTarThatHasNoManifestJson() throws IOException {
        Path archive = testbed.busyboxOciArchive();
        assertThat(readEntry(archive, "manifest.json")).as("the test needs a pure OCI layout").isNull();

        List<Image> loaded = engine.load(archive);

        assertThat(loaded).singleElement().extracting(Image::id).isEqualTo(ociConfigDigest(archive));
    }

    @Test
    void loadsAnOciLayoutDirectory(@TempDir Path dir) throws IOException {
        Path archive = testbed.busyboxOciArchive();
        extract(archive, dir);

        List<Image> loaded = engine.load(dir);

        assertThat(loaded).singleElement().extracting(Image::id).isEqualTo(ociConfigDigest(archive));
    }

    @Test
    void loadedImageConfigKeepsEveryField(@TempDir Path dir) throws Exception {
        String tag = "stevedore-it/config:" + UUID.randomUUID().toString().substring(0, 8);
        Path archive = ImageArchives.dockerSave(dir, tag);

        List<Image> loaded = engine.load(archive);

        try {
            assertThat(loaded).singleElement().satisfies(image -> {
                assertThat(image.references()).containsExactly(ImageReference.parse(tag));
                assertThat(image.config()).isEqualTo(ImageArchives.EXPECTED_CONFIG);
                assertThat(image.platform()).isEqualTo(new Platform("linux", "amd64", ""));
            });
        } finally {
            engine.removeImage(ImageReference.parse(tag));
        }
    }

    @Test
    void pullOfAMissingImageNamesIt() {
        ImageReference missing = ImageReference.parse(testbed.plainRegistry() + "/library/busybox:no-such-tag");

        assertThatThrownBy(() -> engine.pull(missing, PullOptions.defaults()))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining(socket.toString())
                .satisfies(e -> assertThat(((ImageNotFoundException) e).reference()).isEqualTo(missing));
    }

    @Test
    void pullOfAPlatformTheImageLacksIsNotFound() {
        ImageReference multiarch = ImageReference.parse(testbed.plainRegistry() + "/library/multiarch:latest");

        assertThatThrownBy(() -> engine.pull(multiarch, PullOptions.defaults().withPlatform(Platform.parse("linux/s390x"))))
                .isInstanceOf(ImageNotFoundException.class)
                .hasMessageContaining("linux/s390x");
    }

    @Test
    void pullSendsTheCredentialsFromDockerConfigToTheDaemon(@TempDir Path withCredentials, @TempDir Path without) throws IOException {
        TokenIssuer.ensureRunning(testbed);
        ImageReference reference = ImageReference.parse(testbed.tokenRegistry() + "/library/layered:latest");
        testbed.writeDockerConfig(withCredentials, Map.of(testbed.tokenRegistry(),
                new String[] {testbed.tokenUser(), testbed.tokenPassword()}));

        try (DockerEngine anonymous = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), settings(without))) {
            assertThatThrownBy(() -> anonymous.pull(reference, PullOptions.defaults()))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining(reference.toString())
                    .hasMessageContaining("docker login " + testbed.tokenRegistry());
        }
        try (DockerEngine loggedIn = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), settings(withCredentials))) {
            // the daemon asks the registry even when it has the image, so this proves the header either way
            Image image = loggedIn.pull(reference, PullOptions.defaults());

            assertThat(image.references()).contains(reference);
        }
    }

    @Test
    void openOnTheEnvironmentsDockerHostFindsTheDaemon() {
        var candidates = DockerDiscovery.candidates(Map.of("DOCKER_HOST", "unix://" + socket)::get, dockerConfig,
                dockerConfig, 0);

        try (DockerEngine viaDockerHost = DockerEngine.open(candidates, settings(dockerConfig))) {
            assertThat(viaDockerHost.endpoint().source()).isEqualTo("DOCKER_HOST");
            assertThat(viaDockerHost.images()).isNotNull();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String ociConfigDigest(Path ociArchive) throws IOException {
        JsonNode index = JSON.readTree(readEntry(ociArchive, "index.json"));
        String manifestDigest = index.path("manifests").get(0).path("digest").asText();
        JsonNode manifest = JSON.readTree(readEntry(ociArchive, "blobs/sha256/" + manifestDigest.substring(7)));
        return manifest.path("config").path("digest").asText();
    }

    private static byte[] readEntry(Path tar, String name) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.getName().replaceFirst("^\\./", "").equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        return null;
    }

    private static void extract(Path tar, Path dir) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path target = dir.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(dir)).as("%s stays inside %s", entry.getName(), dir).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
    }

    /** Reads manifests and blobs straight from a test bed registry, to compare the daemon's view with. */
    static final class Registry {
        record Layer(String digest, long size) {
        }

        record Manifest(String digest, String configDigest, List<Layer> layers) {
        }

        static Manifest manifest(String registry, String repository, String tag) throws Exception {
            Request request = new Request.Builder().url("http://" + registry + "/v2/" + repository + "/manifests/" + tag)
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                    .build();
            try (Response response = HTTP.newCall(request).execute()) {
                assertThat(response.code()).as("GET %s", request.url()).isEqualTo(200);
                byte[] bytes = response.body().bytes();
                JsonNode json = JSON.readTree(bytes);
                List<Layer> layers = new ArrayList<>();
                json.path("layers").forEach(l -> layers.add(new Layer(l.path("digest").asText(), l.path("size").asLong())));
                String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                return new Manifest(digest, json.path("config").path("digest").asText(), layers);
            }
        }

        static JsonNode blob(String registry, String repository, String digest) throws IOException {
            Request request = new Request.Builder().url("http://" + registry + "/v2/" + repository + "/blobs/" + digest).build();
            try (Response response = HTTP.newCall(request).execute(); InputStream body = response.body().byteStream()) {
                assertThat(response.code()).as("GET %s", request.url()).isEqualTo(200);
                return JSON.readTree(body);
            }
        }
    }
}
