package dev.stevedore.apitest.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import dev.stevedore.dsl.Wait;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.junit.Container;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A compose file as a {@code @Container} field: started before the class's tests, stopped after them. */
class ComposeExtensionIT {
    static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());
    static final String PROJECT = "pair" + Long.toHexString(System.nanoTime());

    private final ContainerEngine engine = ItEngine.get();

    static class WithCompose {
        @Container
        static Environment pair = Stevedore.compose(Path.of("src/test/resources/compose/pair.yaml"), c -> c
                .projectName(PROJECT)
                .variable("PAGE", "hello from the file")
                .service("probe", s -> s.waitFor(Wait.logMessage("hello from the file"))));

        @Test
        void webAnswersOnItsPortAndProbeReachedItByAlias() throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + pair.container("web").endpoint(8080) + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            SEEN.add(response.statusCode() + " " + response.body().trim());
            SEEN.add(pair.container("probe").logText().trim());
        }
    }

    @Test
    void anEnvironmentFromAComposeFileLivesAsLongAsItsClass() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(WithCompose.class)).execute()
                .testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).containsExactly("200 hello from the file", "hello from the file");
        assertThat(engine.containers(true, Map.of("com.docker.compose.project", PROJECT))).isEmpty();
    }
}
