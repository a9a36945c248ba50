package dev.stevedore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.ContainerDefinition;
import dev.stevedore.dsl.Environment;
import dev.stevedore.dsl.Stevedore;
import org.junit.jupiter.api.Test;

class PostgresDefinitionTest {

    @Test
    void environmentPostgresNeedsAVersionOrImage() {
        assertThatThrownBy(() -> Stevedore.environment(e -> e.container("db", Postgres.service(), pg -> pg.database("shop"))))
                .hasMessage("environment: container \"db\": no image: say which with pg.version(\"16\") or pg.image(\"postgres:16\")");
    }

    @Test
    void postgresCredentialsCannotBeEmpty() {
        assertThatThrownBy(() -> Postgres.container("postgres:15", pg -> pg.password("")))
                .hasMessage("container \"postgres\": password cannot be empty");
    }

    @Test
    void postgresDefinitionFollowsTheImagesContract() {
        PostgresContainer db = Postgres.container("postgres:15", pg -> pg.database("shop").username("app").password("s3cret")
                .initScript("fixtures/schema.sql").initScript("fixtures/hello.txt").setting("max_connections", "50"));
        ContainerDefinition definition = db.definition();
        assertThat(definition.env()).containsEntry("POSTGRES_DB", "shop").containsEntry("POSTGRES_USER", "app")
                .containsEntry("POSTGRES_PASSWORD", "s3cret");
        assertThat(definition.command()).containsExactly("postgres", "-c", "fsync=off", "-c", "max_connections=50");
        assertThat(definition.ports()).containsExactly(new ContainerDefinition.Port(5432, 0));
        assertThat(definition.files()).extracting(ContainerDefinition.FileCopy::containerPath)
                .containsExactly("/docker-entrypoint-initdb.d/001-schema.sql", "/docker-entrypoint-initdb.d/002-hello.txt");
        assertThat(definition.waitStrategy().description()).contains("twice").contains("SELECT 1").contains("\"app\"");
        assertThat(db.username()).isEqualTo("app");
        assertThat(db.databaseName()).isEqualTo("shop");
    }

    @Test
    void postgresVersionPicksTheOfficialImage() {
        PostgresContainer[] db = new PostgresContainer[1];
        Environment env = Stevedore.environment(e -> db[0] = e.container("db", Postgres.service(), pg -> pg.version("16")));
        assertThat(db[0].definition().image()).isEqualTo("postgres:16");
        assertThat(env.container("db", PostgresContainer.class)).isSameAs(db[0]);
    }
}
