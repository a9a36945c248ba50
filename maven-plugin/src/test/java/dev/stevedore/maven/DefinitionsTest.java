package dev.stevedore.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;

class DefinitionsTest {
    private static final File BASEDIR = new File(".");

    private static ContainerConfiguration container(String id, String image) {
        ContainerConfiguration c = new ContainerConfiguration();
        c.id = id;
        c.image = image;
        return c;
    }

    @Test
    void noContainersSaysWhatToDeclare() {
        assertThatThrownBy(() -> Definitions.of(List.of(), BASEDIR, Set.of()))
                .isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("<container> with an <id> and an <image>");
    }

    @Test
    void anIdUsedByAnEarlierStartOfTheProjectIsRefused() {
        assertThatThrownBy(() -> Definitions.of(List.of(container("db", "postgres:15")), BASEDIR, Set.of("db")))
                .hasMessageContaining("<container> 'db': the id is used twice");
    }

    @Test
    void anIdThatCannotNameAPropertyIsRefused() {
        assertThatThrownBy(() -> Definitions.of(List.of(container("my db", "postgres:15")), BASEDIR, Set.of()))
                .hasMessageContaining("<container> 'my db': <id> must be");
    }

    @Test
    void aWaitNeedsExactlyOneCondition() {
        ContainerConfiguration c = container("web", "nginx");
        c.wait = new WaitConfiguration();
        c.wait.log = "ready";
        c.wait.ports = true;
        assertThatThrownBy(() -> Definitions.of(List.of(c), BASEDIR, Set.of()))
                .hasMessageContaining("<container> 'web' <wait>: set exactly one of")
                .hasMessageContaining("found 2");
    }

    @Test
    void aMissingInitScriptNamesWhereItWasLookedFor() {
        ContainerConfiguration c = container("db", "postgres:15");
        c.postgres = new PostgresConfiguration();
        c.postgres.initScripts.add("src/main/sql/nothing-here.sql");
        assertThatThrownBy(() -> Definitions.of(List.of(c), BASEDIR, Set.of()))
                .hasMessageContaining("init script src/main/sql/nothing-here.sql is not a file");
    }

    @Test
    void postgresPublishesItsPortWithoutBeingAsked() throws MojoExecutionException {
        ContainerConfiguration c = container("db", "postgres:15");
        c.postgres = new PostgresConfiguration();
        assertThat(Definitions.of(List.of(c), BASEDIR, Set.of()).get(0).ports()).containsExactly(5432);
    }

    @Test
    void durationsReadAsMavenUsersWriteThem() throws MojoExecutionException {
        assertThat(Definitions.duration("90s", "t")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Definitions.duration("2m", "t")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Definitions.duration("500ms", "t")).isEqualTo(Duration.ofMillis(500));
        assertThat(Definitions.duration("PT1M30S", "t")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Definitions.duration(null, "t")).isNull();
        assertThatThrownBy(() -> Definitions.duration("soon", "<container> 'db' <startupTimeout>"))
                .hasMessage("<container> 'db' <startupTimeout>: 'soon' is not a duration; write 90s, 2m, 500ms or PT90S");
    }
}
