package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EngineEvent.Action;
import dev.stevedore.engine.EngineEvent.Type;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventFeedTest {
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:01.000000123Z");

    private static ObjectNode container(Action action, Map<String, String> attributes) {
        return EventFeed.document(new EngineEvent(Type.CONTAINER, action, "c1", attributes, T1));
    }

    @Test
    void aContainersDieIsWrittenAsDockerWritesIt() {
        ObjectNode die = container(Action.DIE, Map.of("name", "web", "image", "busybox", "exitCode", "3", "role", "probe"));

        assertThat(die.path("Type").asText()).isEqualTo("container");
        assertThat(die.path("Action").asText()).isEqualTo("die");
        assertThat(die.path("status").asText()).isEqualTo("die");
        assertThat(die.path("id").asText()).isEqualTo("c1");
        assertThat(die.path("from").asText()).isEqualTo("busybox");
        assertThat(die.path("Actor").path("ID").asText()).isEqualTo("c1");
        assertThat(die.path("Actor").path("Attributes").path("exitCode").asText()).isEqualTo("3");
        assertThat(die.path("Actor").path("Attributes").path("role").asText()).isEqualTo("probe");
        assertThat(die.path("scope").asText()).isEqualTo("local");
        assertThat(die.path("time").asLong()).isEqualTo(T1.getEpochSecond());
        assertThat(die.path("timeNano").asLong()).isEqualTo(T1.getEpochSecond() * 1_000_000_000L + 123);
    }

    @Test
    void aNetworkEventHasNoContainerFields() {
        ObjectNode connect = EventFeed.document(new EngineEvent(Type.NETWORK, Action.CONNECT, "n1",
                Map.of("name", "backend", "container", "c1"), T1));

        assertThat(connect.path("Type").asText()).isEqualTo("network");
        assertThat(connect.path("Action").asText()).isEqualTo("connect");
        assertThat(connect.has("status")).isFalse();
        assertThat(connect.path("Actor").path("Attributes").path("container").asText()).isEqualTo("c1");
    }

    @Test
    void eventFiltersSelectByTypeActionContainerAndLabel() {
        ObjectNode start = container(Action.START, Map.of("name", "web", "image", "busybox", "role", "probe"));

        assertThat(SystemRoutes.matches(Filters.parse("{\"type\":[\"container\"],\"event\":[\"start\"]}"), start)).isTrue();
        assertThat(SystemRoutes.matches(Filters.parse("{\"container\":[\"web\"],\"label\":[\"role=probe\"]}"), start)).isTrue();
        assertThat(SystemRoutes.matches(Filters.parse("{\"event\":[\"die\"]}"), start)).isFalse();
        assertThat(SystemRoutes.matches(Filters.parse("{\"type\":[\"network\"]}"), start)).isFalse();
    }

    @Test
    void anExecsActionNamesItsCommandAndIsFilteredByTheBareAction() {
        ObjectNode exec = EventFeed.document(new EngineEvent(Type.CONTAINER, Action.EXEC_START, "c1",
                Map.of("name", "web", "execID", "e1"), T1, "sh -c true"));

        assertThat(exec.path("Action").asText()).isEqualTo("exec_start: sh -c true");
        assertThat(exec.path("status").asText()).isEqualTo("exec_start: sh -c true");
        assertThat(SystemRoutes.matches(Filters.parse("{\"event\":[\"exec_start\"]}"), exec)).isTrue();
        assertThat(SystemRoutes.matches(Filters.parse("{\"event\":[\"exec_start: sh -c true\"]}"), exec)).isTrue();
        assertThat(SystemRoutes.matches(Filters.parse("{\"event\":[\"exec_create\"]}"), exec)).isFalse();
    }

    @Test
    void theCopiesAreWrittenWithHyphens() {
        assertThat(container(Action.ARCHIVE_PATH, Map.of()).path("Action").asText()).isEqualTo("archive-path");
        assertThat(container(Action.EXTRACT_TO_DIR, Map.of()).path("Action").asText()).isEqualTo("extract-to-dir");
    }
}
