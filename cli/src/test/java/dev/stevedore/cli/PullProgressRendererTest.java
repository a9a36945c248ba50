package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class PullProgressRendererTest {
    private static final ImageReference IMAGE = ImageReference.parse("postgres:15");
    private static final Pattern CURSOR_UP = Pattern.compile("\u001b\\[(\\d+)A");
    private static final int LAYERS = 6;
    private static final long LAYER_SIZE = 45_600_000;

    private final StringWriter output = new StringWriter();
    private final PrintWriter out = new PrintWriter(output);
    private final List<String> layers = new ArrayList<>();
    private final String config = InMemoryEngine.digest("config");

    PullProgressRendererTest() {
        for (int i = 0; i < LAYERS; i++) {
            layers.add(InMemoryEngine.digest("layer" + i));
        }
    }

    @Test
    void terminalRedrawsInPlaceAndEndsWithEveryLayerComplete() throws Exception {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, new Terminal(true, 80));
        long started = System.nanoTime();
        pullConcurrently(renderer);
        renderer.finish(layers);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        String text = output.toString();
        assertThat(CURSOR_UP.matcher(text).find()).as("cursor-up sequence in %s", text).isTrue();
        List<String> screen = Screen.render(text);
        assertThat(screen).hasSize(LAYERS);
        for (int i = 0; i < LAYERS; i++) {
            assertThat(screen.get(i)).isEqualTo(Ids.shortId(layers.get(i)) + ": Pull complete");
        }
        assertThat(text).doesNotContain(Ids.shortId(config) + ": Pull complete");
        assertThat(redraws(text)).as("redraws in %d ms", elapsedMillis).isLessThanOrEqualTo(elapsedMillis / 100 + 3);
    }

    @Test
    void terminalShowsProgressBarsWhileDownloading() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, new Terminal(true, 80));
        renderer.onProgress(event(layers.get(0), Phase.DOWNLOADING, 12_300_000, LAYER_SIZE));
        renderer.abort();

        List<String> screen = Screen.render(output.toString());
        assertThat(screen).containsExactly(Ids.shortId(layers.get(0))
                + ": Downloading [========>                      ]  12.3MB/45.6MB");
        assertThat(screen.get(0).length()).isLessThan(80);
    }

    @Test
    void terminalDrawsChangesThatArriveBetweenRedrawsWithoutWaitingForMoreEvents() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, new Terminal(true, 80));
        renderer.onProgress(event(layers.get(0), Phase.DOWNLOADING, 1_000_000, LAYER_SIZE));
        renderer.onProgress(event(layers.get(0), Phase.DOWNLOADING, 2_000_000, LAYER_SIZE));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Screen.render(output.toString())).singleElement(as(InstanceOfAssertFactories.STRING))
                        .endsWith("2MB/45.6MB"));
        renderer.abort();
    }

    @Test
    void terminalCutsLinesToItsWidthSoTheyNeverWrap() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, new Terminal(true, 40));
        renderer.onProgress(event(layers.get(0), Phase.DOWNLOADING, 1_000, LAYER_SIZE));
        renderer.abort();

        assertThat(Screen.render(output.toString()).get(0)).hasSize(39);
    }

    @Test
    void plainOutputHasNoEscapesAndFewLinesPerLayer() throws Exception {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, Terminal.plain());
        pullConcurrently(renderer);
        renderer.finish(layers);

        String text = output.toString();
        assertThat(text).doesNotContain("\u001b");
        Map<String, List<String>> linesByLayer = text.lines()
                .collect(Collectors.groupingBy(line -> line.substring(0, 12)));
        for (String layer : layers) {
            List<String> lines = linesByLayer.get(Ids.shortId(layer));
            assertThat(lines).hasSizeBetween(5, 8);
            assertThat(lines.get(0)).endsWith(": Waiting");
            assertThat(lines).anyMatch(line -> line.endsWith("Downloading  22.8MB/45.6MB (50%)"));
            assertThat(lines.get(lines.size() - 1)).endsWith(": Pull complete");
        }
    }

    @Test
    void plainOutputSkipsMilestonesForSmallLayers() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, Terminal.plain());
        String layer = layers.get(0);
        for (int step = 0; step <= 100; step++) {
            renderer.onProgress(event(layer, Phase.DOWNLOADING, 2_000_000L * step / 100, 2_000_000));
        }
        renderer.onProgress(event(layer, Phase.DOWNLOAD_COMPLETE, 2_000_000, 2_000_000));

        assertThat(output.toString().lines()).containsExactly(
                Ids.shortId(layer) + ": Downloading  2MB",
                Ids.shortId(layer) + ": Download complete");
    }

    @Test
    void eventsThatGoBackwardsAreIgnored() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, Terminal.plain());
        String layer = layers.get(0);
        renderer.onProgress(event(layer, Phase.PULL_COMPLETE, 0, 0));
        renderer.onProgress(event(layer, Phase.DOWNLOADING, 10, 100));
        renderer.onProgress(event(layer, Phase.WAITING, 0, 0));

        assertThat(output.toString().lines()).containsExactly(Ids.shortId(layer) + ": Pull complete");
    }

    @Test
    void alreadyPresentLayersSayAlreadyExists() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, new Terminal(true, 80));
        renderer.onProgress(event(layers.get(0), Phase.ALREADY_EXISTS, 0, LAYER_SIZE));
        renderer.onProgress(event(layers.get(1), Phase.DOWNLOADING, LAYER_SIZE, LAYER_SIZE));
        renderer.abort();

        assertThat(Screen.render(output.toString())).containsExactly(
                Ids.shortId(layers.get(0)) + ": Already exists",
                Ids.shortId(layers.get(1)) + ": Verifying Checksum");
    }

    @Test
    void imageLevelAndMalformedEventsDrawNothing() {
        PullProgressRenderer renderer = PullProgressRenderer.create(out, new Terminal(true, 80));
        renderer.onProgress(new PullProgress(IMAGE, InMemoryEngine.digest("manifest"), Phase.RESOLVED, 0, LAYERS));
        renderer.onProgress(new PullProgress(IMAGE, null, Phase.DOWNLOADING, 1, 2));
        renderer.onProgress(null);
        renderer.onProgress(new PullProgress(IMAGE, InMemoryEngine.digest("manifest"), Phase.COMPLETE, 0, 0));
        renderer.finish(List.of());

        assertThat(output.toString()).isEmpty();
    }

    /** Every layer and the config blob downloaded by its own thread, all released at once. */
    private void pullConcurrently(PullProgressRenderer renderer) throws Exception {
        List<String> blobs = new ArrayList<>(layers);
        blobs.add(0, config);
        blobs.forEach(blob -> renderer.onProgress(event(blob, Phase.WAITING, 0, LAYER_SIZE)));
        ExecutorService threads = Executors.newFixedThreadPool(blobs.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String blob : blobs) {
                done.add(threads.submit(() -> {
                    start.await();
                    for (int step = 1; step <= 500; step++) {
                        renderer.onProgress(event(blob, Phase.DOWNLOADING, LAYER_SIZE * step / 500, LAYER_SIZE));
                    }
                    renderer.onProgress(event(blob, Phase.DOWNLOAD_COMPLETE, LAYER_SIZE, LAYER_SIZE));
                    if (!blob.equals(config)) {
                        for (int step = 1; step <= 100; step++) {
                            renderer.onProgress(event(blob, Phase.EXTRACTING, LAYER_SIZE * step / 100, LAYER_SIZE));
                        }
                        renderer.onProgress(event(blob, Phase.PULL_COMPLETE, LAYER_SIZE, LAYER_SIZE));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static PullProgress event(String digest, Phase phase, long current, long total) {
        return new PullProgress(IMAGE, digest, phase, current, total);
    }

    private static long redraws(String text) {
        Matcher matcher = CURSOR_UP.matcher(text);
        long count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
