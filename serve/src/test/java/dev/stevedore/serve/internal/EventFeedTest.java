package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerState.Status;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventFeedTest {
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:01Z");
    private static final Instant T2 = Instant.parse("2026-01-01T00:00:02Z");

    private static EventFeed.Seen seen(Status status, int exitCode, Instant started, Instant finished) {
        return new EventFeed.Seen("busybox", "web", Map.of("role", "probe"), status, exitCode, started, finished);
    }

    private static List<String> actions(List<ObjectNode> events) {
        return events.stream().map(e -> e.path("Action").asText()).toList();
    }

    @Test
    void aContainerThatAppearsRunsAndEndsIsCreatedStartedAndDies() {
        Map<String, EventFeed.Seen> none = Map.of();
        Map<String, EventFeed.Seen> created = Map.of("c1", seen(Status.CREATED, 0, null, null));
        Map<String, EventFeed.Seen> running = Map.of("c1", seen(Status.RUNNING, 0, T1, null));
        Map<String, EventFeed.Seen> exited = Map.of("c1", seen(Status.EXITED, 3, T1, T2));

        assertThat(actions(EventFeed.changes(none, created))).containsExactly("create");
        assertThat(actions(EventFeed.changes(created, running))).containsExactly("start");
        List<ObjectNode> died = EventFeed.changes(running, exited);
        assertThat(actions(died)).containsExactly("die");
        assertThat(died.get(0).path("Actor").path("Attributes").path("exitCode").asText()).isEqualTo("3");
        assertThat(actions(EventFeed.changes(exited, none))).containsExactly("destroy");
    }

    @Test
    void aContainerThatCameAndRanBetweenTwoPollsGetsEveryEvent() {
        List<ObjectNode> events = EventFeed.changes(Map.of(), Map.of("c1", seen(Status.EXITED, 0, T1, T2)));

        assertThat(actions(events)).containsExactly("create", "start", "die");
        assertThat(events.get(0).path("Type").asText()).isEqualTo("container");
        assertThat(events.get(0).path("Actor").path("Attributes").path("role").asText()).isEqualTo("probe");
    }

    @Test
    void nothingChangedIsNoEvent() {
        Map<String, EventFeed.Seen> running = Map.of("c1", seen(Status.RUNNING, 0, T1, null));

        assertThat(EventFeed.changes(running, running)).isEmpty();
    }

    @Test
    void eventFiltersSelectByTypeActionContainerAndLabel() {
        ObjectNode start = EventFeed.changes(Map.of("c1", seen(Status.CREATED, 0, null, null)),
                Map.of("c1", seen(Status.RUNNING, 0, T1, null))).get(0);

        assertThat(SystemRoutes.matches(Filters.parse("{\"type\":[\"container\"],\"event\":[\"start\"]}"), start)).isTrue();
        assertThat(SystemRoutes.matches(Filters.parse("{\"container\":[\"web\"],\"label\":[\"role=probe\"]}"), start)).isTrue();
        assertThat(SystemRoutes.matches(Filters.parse("{\"event\":[\"die\"]}"), start)).isFalse();
        assertThat(SystemRoutes.matches(Filters.parse("{\"type\":[\"network\"]}"), start)).isFalse();
    }
}
