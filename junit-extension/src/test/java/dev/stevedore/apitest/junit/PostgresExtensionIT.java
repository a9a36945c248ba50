package dev.stevedore.apitest.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.apitest.dsl.ItEngine;
import dev.stevedore.junit.Container;
import dev.stevedore.postgres.Postgres;
import dev.stevedore.postgres.PostgresContainer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the design promises a user: a static {@code @Container} Postgres, reset between tests by snapshot and restore. */
class PostgresExtensionIT {

    @Container
    static PostgresContainer db = Postgres.container("postgres:15", pg -> pg.database("shop").initScript("it/orders.sql"));

    @BeforeAll
    static void saveTheFreshDatabase() {
        ItEngine.get();
        db.snapshot();
    }

    @BeforeEach
    void startFromTheSavedState() {
        db.restore();
    }

    @Test
    void firstTestSeesOnlyTheInitScriptsRows() {
        assertThat(db.query("SELECT count(*) FROM orders")).containsExactly(List.of("1"));
        db.execute("INSERT INTO orders (item) VALUES ('sails')");
        assertThat(db.query("SELECT count(*) FROM orders")).containsExactly(List.of("2"));
    }

    @Test
    void secondTestSeesOnlyTheInitScriptsRowsToo() {
        assertThat(db.query("SELECT count(*) FROM orders")).containsExactly(List.of("1"));
        db.execute("INSERT INTO orders (item) VALUES ('oars'), ('compass')");
        assertThat(db.query("SELECT count(*) FROM orders")).containsExactly(List.of("3"));
    }

    @Test
    void theContainerIsInjectedToo(PostgresContainer postgres) {
        assertThat(postgres).isSameAs(db);
        assertThat(postgres.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/shop");
    }
}
