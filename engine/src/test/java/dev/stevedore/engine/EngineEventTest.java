package dev.stevedore.engine;

import dev.stevedore.engine.EngineEvent.Action;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EngineEventTest {
    @Test
    void everyActionIsFoundAgainByItsDockerName() {
        assertThat(Action.values()).allSatisfy(a -> assertThat(Action.fromDockerName(a.dockerName())).contains(a));
    }

    @Test
    void theCopiesAreSpelledWithHyphensAsDockerdSpellsThem() {
        assertThat(Action.ARCHIVE_PATH.dockerName()).isEqualTo("archive-path");
        assertThat(Action.EXTRACT_TO_DIR.dockerName()).isEqualTo("extract-to-dir");
        assertThat(Arrays.stream(Action.values()).filter(a -> a.dockerName().contains("-")))
                .containsExactlyInAnyOrder(Action.ARCHIVE_PATH, Action.EXTRACT_TO_DIR);
    }

    @Test
    void whatFollowsAnActionsColonIsItsDetail() {
        assertThat(Action.fromDockerName("exec_create: sh -c echo hi")).contains(Action.EXEC_CREATE);
        assertThat(Action.fromDockerName("health_status: healthy")).contains(Action.HEALTH_STATUS);
        assertThat(Action.fromDockerName("checkpoint")).isEmpty();
        EngineEvent health = new EngineEvent(EngineEvent.Type.CONTAINER, Action.HEALTH_STATUS, "c", Map.of(),
                Instant.EPOCH, "healthy");
        assertThat(health.dockerAction()).isEqualTo("health_status: healthy");
        assertThat(new EngineEvent(EngineEvent.Type.CONTAINER, Action.DIE, "c", Map.of(), Instant.EPOCH).dockerAction())
                .isEqualTo("die");
    }
}
