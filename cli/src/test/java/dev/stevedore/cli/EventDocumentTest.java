package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.engine.EngineEvent;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventDocumentTest {
    private static final Instant AT = Instant.parse("2026-12-07T02:00:00.123456789Z");
    private static final EngineEvent DIE = new EngineEvent(EngineEvent.Type.CONTAINER, EngineEvent.Action.DIE, "c0ffee",
            Map.of("name", "web", "image", "busybox", "exitCode", "2"), AT);
    private static final EngineEvent NETWORK = new EngineEvent(EngineEvent.Type.NETWORK, EngineEvent.Action.CREATE, "n1",
            Map.of("name", "backend", "type", "bridge"), AT);

    @Test
    void jsonIsDockerdsEventLineWithTheOldFieldsOnlyForContainersAndImages() {
        assertThat(Json.compact(EventDocument.of(DIE))).isEqualTo("{\"status\":\"die\",\"id\":\"c0ffee\",\"from\":\"busybox\","
                + "\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"c0ffee\",\"Attributes\":{\"exitCode\":\"2\","
                + "\"image\":\"busybox\",\"name\":\"web\"}},\"scope\":\"local\",\"time\":1796608800,"
                + "\"timeNano\":1796608800123456789}");
        assertThat(Json.compact(EventDocument.of(NETWORK))).startsWith("{\"Type\":\"network\",\"Action\":\"create\",");
    }

    @Test
    void theCliKeepLabelIsNotAnAttributeAUserSees() {
        EngineEvent kept = new EngineEvent(EngineEvent.Type.CONTAINER, EngineEvent.Action.START, "c0ffee",
                Map.of("name", "web", "image", "busybox", dev.stevedore.engine.ContainerSpec.KEEP_LABEL, "true", "team", "a"), AT);

        assertThat(Json.compact(EventDocument.of(kept))).contains("\"Attributes\":{\"image\":\"busybox\",\"name\":\"web\","
                + "\"team\":\"a\"}");
    }

    @Test
    void templatesReadGoFieldsAndAttributesAsAGoMap() {
        GoTemplate template = GoTemplate.parseStrict("{{.Type}} {{.Action}} {{.Actor.Attributes.name}} "
                + "{{.Actor.Attributes.nope}} {{.Status}}|{{.From}}|{{.Scope}} {{.Time}}");

        assertThat(template.apply(EventDocument.of(DIE))).isEqualTo("container die web <no value> die|busybox|local 1796608800");
        assertThat(template.apply(EventDocument.of(NETWORK))).isEqualTo("network create backend <no value> ||local 1796608800");
        assertThatThrownBy(() -> GoTemplate.parseStrict("{{.Actor.Nope}}").apply(EventDocument.of(DIE)))
                .hasMessageContaining("can't evaluate field Nope");
    }
}
